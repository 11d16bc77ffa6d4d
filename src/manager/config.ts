import { storageError } from "../errors.js";
import { checkOptionNames } from "./option-names.js";
import { PROSODY_VERSIONS, SQL_DRIVERS, SQL_DRIVER_NAMES, isProsodyVersion, isSqlDriver, type BackendFactory, type HostOptions, type Logger } from "../contracts/index.js";

const BACKEND_NAME = /^[A-Za-z0-9_.-]+$/;

/** Every configuration error reads `invalid configuration: …`. */
const CONFIG = { object: "invalid configuration" } as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkBackendName(name: unknown, where: string): void {
  if (typeof name !== "string" || !BACKEND_NAME.test(name)) {
    throw storageError("invalid-input", `${where} must be a backend name (letters, digits, "_", "-", "."), got ${JSON.stringify(name)}`, CONFIG);
  }
}

function checkHostOptions(options: Record<string, unknown>, where: string): void {
  const { data_path, storage, default_storage, sql, storage_archive_item_limit, prosody_version } = options;
  if (prosody_version !== undefined && !isProsodyVersion(prosody_version)) {
    const allowed = PROSODY_VERSIONS.map((version) => JSON.stringify(version)).join(" or ");
    throw storageError("invalid-input", `${where}prosody_version must be ${allowed}, got ${JSON.stringify(prosody_version)}`, CONFIG);
  }
  if (data_path !== undefined && (typeof data_path !== "string" || data_path === "")) {
    throw storageError("invalid-input", `${where}data_path must be a non-empty string`, CONFIG);
  }
  if (storage !== undefined) {
    if (typeof storage === "string") checkBackendName(storage, `${where}storage`);
    else if (isRecord(storage)) {
      for (const [store, name] of Object.entries(storage)) checkBackendName(name, `${where}storage.${store}`);
    } else throw storageError("invalid-input", `${where}storage must be a backend name or a table of store = backend`, CONFIG);
  }
  if (default_storage !== undefined) checkBackendName(default_storage, `${where}default_storage`);
  if (sql !== undefined) {
    if (!isRecord(sql)) throw storageError("invalid-input", `${where}sql must be a table`, CONFIG);
    if (!isSqlDriver(sql.driver)) {
      throw storageError("invalid-input", `${where}sql.driver must be one of ${SQL_DRIVER_NAMES.join(", ")}, got ${JSON.stringify(sql.driver)}`, CONFIG);
    }
    // A file driver without a database opens its default one under data_path, as Prosody does.
    const optional = SQL_DRIVERS[sql.driver].defaultDatabase !== undefined && sql.database === undefined;
    if (!optional && (typeof sql.database !== "string" || sql.database === "")) throw storageError("invalid-input", `${where}sql.database must be a non-empty string`, CONFIG);
    for (const key of ["host", "username", "password"]) {
      if (sql[key] !== undefined && typeof sql[key] !== "string") throw storageError("invalid-input", `${where}sql.${key} must be a string`, CONFIG);
    }
    if (sql.port !== undefined && !(Number.isInteger(sql.port) && (sql.port as number) > 0 && (sql.port as number) < 65536)) {
      throw storageError("invalid-input", `${where}sql.port must be a port number`, CONFIG);
    }
  }
  if (options.read_only !== undefined && typeof options.read_only !== "boolean") throw storageError("invalid-input", `${where}read_only must be true or false`, CONFIG);
  const owner = options.file_owner;
  if (owner !== undefined && !(isRecord(owner) && [owner.uid, owner.gid].every((id) => Number.isInteger(id) && (id as number) >= 0))) {
    throw storageError("invalid-input", `${where}file_owner must be { uid = N, gid = N } with numeric ids`, CONFIG);
  }
  if (
    storage_archive_item_limit !== undefined &&
    !(Number.isInteger(storage_archive_item_limit) && (storage_archive_item_limit as number) >= 0)
  ) {
    throw storageError("invalid-input", `${where}storage_archive_item_limit must be a whole number >= 0`, CONFIG);
  }
}

/** Backend names an options table configures. */
function backendNames(options: HostOptions): string[] {
  const { storage, default_storage } = options;
  return [...(typeof storage === "string" ? [storage] : Object.values(storage ?? {})), ...(typeof default_storage === "string" ? [default_storage] : [])];
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** Plain data options copied and frozen, so later changes by the caller have no effect. */
function frozenCopy(options: Record<string, unknown>): HostOptions {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) copy[key] = typeof value === "object" && value !== null ? structuredClone(value) : value;
  }
  return deepFreeze(copy) as HostOptions;
}

/** A validated, frozen configuration that answers "which options for this host". */
export class ResolvedConfig {
  readonly global: HostOptions;
  readonly pluginPaths: readonly string[];
  readonly backends: Readonly<Record<string, BackendFactory>>;
  readonly logger: Logger | undefined;
  readonly #hosts: ReadonlyMap<string, HostOptions>;

  constructor(config: unknown) {
    if (config === undefined) config = {};
    if (!isRecord(config)) throw storageError("invalid-input", "the configuration must be an object", CONFIG);
    const { hosts, plugin_paths, backends, logger, ...global } = config;
    checkHostOptions(global, "");
    if (hosts !== undefined && !isRecord(hosts)) throw storageError("invalid-input", "hosts must be a table of host name = options", CONFIG);
    const perHost = new Map<string, HostOptions>();
    for (const [host, options] of Object.entries(hosts ?? {})) {
      if (!isRecord(options)) throw storageError("invalid-input", `hosts["${host}"] must be a table of options`, CONFIG);
      checkHostOptions(options, `hosts["${host}"].`);
      perHost.set(host, frozenCopy({ ...global, ...options }));
    }
    if (plugin_paths !== undefined && !(Array.isArray(plugin_paths) && plugin_paths.every((p) => typeof p === "string"))) {
      throw storageError("invalid-input", "plugin_paths must be a list of directory names", CONFIG);
    }
    if (backends !== undefined) {
      if (!isRecord(backends)) throw storageError("invalid-input", "backends must be a table of name = factory function", CONFIG);
      for (const [name, factory] of Object.entries(backends)) {
        checkBackendName(name, `backends.${name}`);
        if (typeof factory !== "function") throw storageError("invalid-input", `backends.${name} must be a factory function`, CONFIG);
      }
    }
    if (logger !== undefined && !isRecord(logger)) throw storageError("invalid-input", "logger must be an object with debug/info/warn/error methods", CONFIG);
    const warn = (message: string) => (logger as Logger | undefined)?.warn?.(message);
    const inUse = new Set([...backendNames(global), ...[...perHost.values()].flatMap(backendNames), ...Object.keys(backends ?? {})]);
    checkOptionNames(global, "", inUse, warn);
    for (const [host, options] of Object.entries(hosts ?? {})) checkOptionNames(options as Record<string, unknown>, `hosts["${host}"].`, inUse, warn);
    this.global = frozenCopy(global);
    this.#hosts = perHost;
    this.pluginPaths = Object.freeze([...((plugin_paths as string[] | undefined) ?? [])]);
    this.backends = Object.freeze({ ...((backends as Record<string, BackendFactory> | undefined) ?? {}) });
    this.logger = logger as Logger | undefined;
  }

  /** The options in force on `host`: its own, else the global ones. */
  forHost(host: string): HostOptions {
    return this.#hosts.get(host) ?? this.global;
  }

  /** The backend name for `store` on `host`, as Prosody's storagemanager picks it. */
  backendFor(host: string, store: string): string {
    const { storage, default_storage } = this.forHost(host);
    if (typeof storage === "string") return storage;
    const named = storage && Object.hasOwn(storage, store) ? storage[store] : undefined;
    return named ?? default_storage ?? "internal";
  }

  /** Every backend name `host` may use, for purging a user from all of them. */
  backendsOf(host: string): string[] {
    const { storage, default_storage } = this.forHost(host);
    const names = new Set<string>([default_storage ?? "internal"]);
    if (typeof storage === "string") return [storage];
    for (const name of Object.values(storage ?? {})) names.add(name);
    return [...names];
  }
}
