import type { BackendFactory } from "./backend.js";
import type { HostOptions } from "./options.js";
import type { Logger } from "./stores.js";

/** What `new StorageManager(config)` takes: options for every host, per-host overrides, plugins. */
export interface StorageConfig extends HostOptions {
  /** Per-host options; each one replaces the global option of the same name. */
  hosts?: Record<string, HostOptions>;
  /** Directories searched for `mod_storage_NAME.js` plugins, as Prosody's `plugin_paths`. */
  plugin_paths?: string[];
  /** Backends given as factories, by name; they take precedence over built-ins. */
  backends?: Record<string, BackendFactory>;
  /** Receives the manager's log lines; silent by default. */
  logger?: Logger;
}
