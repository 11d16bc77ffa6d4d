import { StorageManager } from "../stores/storage-manager.js";
import type { HostOptions, StorageConfig } from "../contracts/index.js";
import type { Source } from "../config/source.js";
import { ConfigError } from "../config/errors.js";
import { targetOwner, type TargetOwner } from "./target-owner.js";

/** An opened SOURCE: a storage manager over its data, and the hosts it names itself. */
export interface DataSource {
  /** For messages and reports (passwords hidden). */
  readonly label: string;
  readonly manager: StorageManager;
  /** Hosts known without looking at the data (a Prosody configuration's sections). */
  readonly hosts: readonly string[];
  /** For a Prosody configuration: the modules each host loads. */
  readonly modules?: ReadonlyMap<string, ReadonlySet<string>>;
  /** For a target opened by root: whose files it writes. */
  readonly owner?: TargetOwner;
}

/** Archive quota that never stops a migration: data that exists is moved whatever its size. */
const NO_QUOTA = Number.MAX_SAFE_INTEGER;

/** The configuration with `options` added globally and on every host (host options replace global ones). */
function withEverywhere(config: StorageConfig, options: HostOptions): StorageConfig {
  const hosts: Record<string, HostOptions> = {};
  for (const [host, own] of Object.entries(config.hosts ?? {})) hosts[host] = { ...own, ...options };
  return { ...config, ...options, hosts };
}

export interface OpenSourceOptions {
  /**
   * `"source"` (default): read only — SQLite opened read-only, no schema created or upgraded,
   * writes refused. `"target"`: written to — archive quotas lifted, and when run as root, new
   * files given to the account that should own them (see target-owner.ts). `"store"`: read and
   * written in place by an operator command (user, prune, check --repair): new files given to
   * that account too, quotas kept.
   */
  role?: "source" | "target" | "store";
  /** Receives the backends' warnings (e.g. a torn archive item skipped while reading). */
  warn?: (message: string) => void;
}

/** Opens a parsed SOURCE. The caller closes `manager`. */
export function openSource(source: Source, options: OpenSourceOptions = {}): DataSource {
  const role = options.role ?? "source";
  const owner = role === "source" ? undefined : targetOwner(source);
  const ownership = owner ? { file_owner: { uid: owner.uid, gid: owner.gid } } : {};
  const opened =
    role === "target" ? withEverywhere(source.config, { storage_archive_item_limit: NO_QUOTA, ...ownership })
    : role === "store" ? withEverywhere(source.config, ownership)
    : withEverywhere(source.config, { read_only: true });
  const config = options.warn ? { ...opened, logger: { warn: options.warn } } : opened;
  try {
    return { label: source.label, manager: new StorageManager(config), hosts: source.hosts, modules: source.modules, ...(owner ? { owner } : {}) };
  } catch (error) {
    // The manager only throws here for a configuration it cannot accept: a usage problem.
    throw new ConfigError(`${source.label}: ${(error as Error).message}`, { cause: error });
  }
}

/** A DataSource over an existing manager (tests, embedding applications). */
export function managerSource(manager: StorageManager, hosts: readonly string[], label = "storage manager"): DataSource {
  return { label, manager, hosts };
}
