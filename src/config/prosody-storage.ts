import { isAbsolute, resolve } from "node:path";
import { DEFAULT_SQL_DRIVER, SQL_DRIVER_LIST, isSqlDriver, sqlDatabase, type HostOptions, type SqlOptions, type StorageConfig } from "../contracts/index.js";
import { isPlainObject } from "../values/index.js";
import { ConfigError } from "./errors.js";
import type { ConfigOption, ProsodyConfigFile } from "./prosody-cfg.js";

/** Where Debian's Prosody keeps its data when `data_path` is not set (its CFG_DATADIR). */
export const PROSODY_DEFAULT_DATA_PATH = "/var/lib/prosody";

export interface ProsodyStorageOptions {
  /** Directory a relative `data_path` is taken from, as Prosody does with its working directory. Default `process.cwd()`. */
  cwd?: string;
  /** `data_path` when the file sets none. Default {@link PROSODY_DEFAULT_DATA_PATH}. */
  defaultDataPath?: string;
}

/** The storage configuration a Prosody configuration file amounts to, and the hosts it defines. */
export interface ProsodyStorage {
  config: StorageConfig;
  hosts: string[];
  /** The account Prosody runs as (prosody_user, prosody_group), as prosodyctl switches to it: default "prosody". */
  account: { user: string; group: string };
  /** True when the file sets no data_path, so the default applies. */
  defaultDataPath: boolean;
}

/**
 * Options the typed stores and operator commands read as the deployment's Prosody does:
 * account hashing (mod_auth_internal_*) and archive expiry (mod_mam, mod_muc_mam). They are
 * passed on unchanged; the stores check them when they use them.
 */
const PASSED_OPTIONS = [
  "authentication",
  "password_hash",
  "default_iteration_count",
  "archive_expires_after",
  "muc_log_expires_after",
  "max_archive_query_results",
] as const;

const bad = (option: ConfigOption, name: string, expected: string): never => {
  throw new ConfigError(`${option.where}: option ${name} must be ${expected}`);
};

function storageOptions(options: Map<string, ConfigOption>, dataPath: string): HostOptions {
  const out: HostOptions = {};
  const storage = options.get("storage");
  if (storage) {
    const value = storage.value;
    if (typeof value === "string") out.storage = value;
    else if (isPlainObject(value) && Object.values(value).every((v) => typeof v === "string")) {
      out.storage = value as Record<string, string>;
    } else bad(storage, "storage", 'a backend name or a table such as { roster = "sql" }');
  }
  const fallback = options.get("default_storage");
  if (fallback) {
    if (typeof fallback.value !== "string") bad(fallback, "default_storage", "a backend name");
    out.default_storage = fallback.value as string;
  }
  const limit = options.get("storage_archive_item_limit");
  if (limit) {
    if (typeof limit.value !== "number" || !Number.isInteger(limit.value) || limit.value < 0) {
      bad(limit, "storage_archive_item_limit", "a whole number");
    }
    out.storage_archive_item_limit = limit.value as number;
  }
  for (const name of PASSED_OPTIONS) {
    const option = options.get(name);
    if (option && option.value !== undefined) out[name] = option.value;
  }
  const sql = options.get("sql");
  if (sql) {
    if (!isPlainObject(sql.value)) bad(sql, "sql", 'a table such as { driver = "SQLite3", database = "prosody.sqlite" }');
    out.sql = sqlOptions(sql, dataPath);
  }
  return out;
}

/** Prosody's `sql` table; a relative SQLite file is taken from the data directory, as mod_storage_sql does. */
function sqlOptions(option: ConfigOption, dataPath: string): SqlOptions {
  const table = option.value as Record<string, unknown>;
  const driver = table.driver ?? DEFAULT_SQL_DRIVER;
  if (!isSqlDriver(driver)) return bad(option, "sql.driver", SQL_DRIVER_LIST);
  for (const key of ["database", "host", "username", "password"]) {
    if (table[key] !== undefined && typeof table[key] !== "string") bad(option, `sql.${key}`, "a string");
  }
  const database = sqlDatabase(driver, table.database as string | undefined, dataPath);
  if (database === undefined) bad(option, "sql.database", "set for PostgreSQL and MySQL");
  const port = table.port === undefined ? undefined : Number(table.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) bad(option, "sql.port", "a port number");
  const out: SqlOptions = { driver, database: database! };
  for (const key of ["host", "username", "password"] as const) if (typeof table[key] === "string") out[key] = table[key] as string;
  if (port !== undefined) out.port = port;
  return out;
}

/** Whether a host with these options may use the `sql` backend for some store. */
function usesSql(options: HostOptions): boolean {
  const { storage, default_storage } = options;
  if (typeof storage === "string") return storage === "sql";
  return default_storage === "sql" || Object.values(storage ?? {}).includes("sql");
}

/**
 * Turns what a prosody.cfg.lua says into a StorageManager configuration: `data_path` (global,
 * as in Prosody), and `storage`, `default_storage`, `sql` and `storage_archive_item_limit`,
 * globally and per VirtualHost/Component. A host using `sql` without an `sql` table gets
 * Prosody's default, SQLite file `prosody.sqlite` in the data directory.
 */
export function prosodyStorageConfig(file: ProsodyConfigFile, options: ProsodyStorageOptions = {}): ProsodyStorage {
  const cwd = options.cwd ?? process.cwd();
  const dataOption = file.global.get("data_path");
  if (dataOption && (typeof dataOption.value !== "string" || dataOption.value === "")) bad(dataOption, "data_path", "a directory name");
  const rawPath = (dataOption?.value as string | undefined) ?? options.defaultDataPath ?? PROSODY_DEFAULT_DATA_PATH;
  const dataPath = isAbsolute(rawPath) ? rawPath : resolve(cwd, rawPath);
  const defaultSql: SqlOptions = { driver: DEFAULT_SQL_DRIVER, database: sqlDatabase(DEFAULT_SQL_DRIVER, undefined, dataPath)! };

  const global: HostOptions = { data_path: dataPath, ...storageOptions(file.global, dataPath) };
  const hosts: Record<string, HostOptions> = {};
  for (const [name, section] of file.hosts) {
    const own = storageOptions(section.options, dataPath);
    const merged = { ...global, ...own };
    if (usesSql(merged) && !merged.sql) own.sql = defaultSql;
    if (Object.keys(own).length > 0) hosts[name] = own;
  }
  if (usesSql(global) && !global.sql) global.sql = defaultSql;
  const name = (option: string, fallback: string): string => {
    const set = file.global.get(option);
    if (set === undefined) return fallback;
    if (typeof set.value !== "string" || set.value === "") bad(set, option, "a user or group name");
    return set.value as string;
  };
  const user = name("prosody_user", "prosody");
  const account = { user, group: name("prosody_group", user) };
  return { config: { ...global, hosts }, hosts: [...file.hosts.keys()], account, defaultDataPath: dataOption === undefined };
}
