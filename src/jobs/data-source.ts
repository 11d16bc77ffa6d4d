import { StorageManager } from "../stores/storage-manager.js";
import type { HostOptions, StorageConfig } from "../contracts/index.js";
import type { Source } from "../config/source.js";
import { ConfigError } from "../config/errors.js";

/** An opened SOURCE: a storage manager over its data, and the hosts it names itself. */
export interface DataSource {
  /** For messages and reports (passwords hidden). */
  readonly label: string;
  readonly manager: StorageManager;
  /** Hosts known without looking at the data (a Prosody configuration's sections). */
  readonly hosts: readonly string[];
  /** For a Prosody configuration: the modules each host loads. */
  readonly modules?: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Archive quota that never stops a migration: data that exists is moved whatever its size. */
const NO_QUOTA = Number.MAX_SAFE_INTEGER;

/** The configuration with archive quotas lifted, globally and on every host. */
function withoutQuota(config: StorageConfig): StorageConfig {
  const hosts: Record<string, HostOptions> = {};
  for (const [host, options] of Object.entries(config.hosts ?? {})) hosts[host] = { ...options, storage_archive_item_limit: NO_QUOTA };
  return { ...config, storage_archive_item_limit: NO_QUOTA, hosts };
}

export interface OpenSourceOptions {
  /** Lift archive quotas (for a migration target). Default false. */
  unlimited?: boolean;
}

/** Opens a parsed SOURCE. The caller closes `manager`. */
export function openSource(source: Source, options: OpenSourceOptions = {}): DataSource {
  const config = options.unlimited ? withoutQuota(source.config) : source.config;
  try {
    return { label: source.label, manager: new StorageManager(config), hosts: source.hosts, modules: source.modules };
  } catch (error) {
    // The manager only throws here for a configuration it cannot accept: a usage problem.
    throw new ConfigError(`${source.label}: ${(error as Error).message}`, { cause: error });
  }
}

/** A DataSource over an existing manager (tests, embedding applications). */
export function managerSource(manager: StorageManager, hosts: readonly string[], label = "storage manager"): DataSource {
  return { label, manager, hosts };
}
