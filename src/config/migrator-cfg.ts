import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { DEFAULT_SQL_DRIVER, SQL_DRIVERS, SQL_DRIVER_LIST, isSqlDriver, sqlDatabase, type SqlDriver, type SqlOptions, type StorageConfig } from "../contracts/index.js";
import { isPlainObject, type Value } from "../values/index.js";
import { ConfigError, configErrorAt } from "./errors.js";
import { interpretChunk, type LuaValue } from "./lua/interpret.js";
import { PROSODY_DEFAULT_DATA_PATH } from "./prosody-storage.js";
import { parseStoreSpec, type StoreSpec } from "./store-spec.js";

/** One `NAME { type = …, … }` section of a prosody-migrator configuration. */
export interface MigratorSection {
  name: string;
  /** `FILE:LINE` of the section, for messages. */
  where: string;
  kind: "internal" | "sql";
  /** The SQL driver of an `sql` section. */
  driver?: SqlDriver;
  config: StorageConfig;
  /** Store lists per host (`hosts = { ["example.com"] = { "roster", "archive-archive" } }`); undefined: everything. */
  hosts?: Record<string, StoreSpec[]>;
  /** A readable description of where the data is (no password). */
  label: string;
}

export interface ReadMigratorConfigOptions {
  /**
   * Directory relative `path`s and SQLite `database`s are taken from. prosody-migrator changes to
   * its data directory before opening anything, so the default is Debian's `/var/lib/prosody`.
   */
  dataPath?: string;
  env?: Record<string, string | undefined>;
}

function text(section: Record<string, Value>, key: string, where: string): string | undefined {
  const value = section[key];
  if (value !== undefined && typeof value !== "string") throw new ConfigError(`${where}: ${key} must be a string`);
  return value;
}

function hostStores(value: Value, where: string): Record<string, StoreSpec[]> {
  if (!isPlainObject(value)) throw new ConfigError(`${where}: hosts must be a table such as { ["example.com"] = { "roster" } }`);
  const out: Record<string, StoreSpec[]> = {};
  for (const [host, stores] of Object.entries(value)) {
    const list = Array.isArray(stores) ? stores : isPlainObject(stores) && Object.keys(stores).length === 0 ? [] : undefined;
    if (!list || !list.every((s) => typeof s === "string")) {
      throw new ConfigError(`${where}: hosts["${host}"] must be a list of store names such as { "roster", "archive-archive" }`);
    }
    out[host.toLowerCase()] = list.map((s) => parseStoreSpec(s as string, "-", `${where}: hosts["${host}"]`));
  }
  return out;
}

function section(name: string, table: Record<string, Value>, where: string, dataPath: string): MigratorSection {
  let type = text(table, "type", where);
  // prosody-migrator still accepts the names of its 0.8 era.
  if (type === "prosody_files") type = "internal";
  if (type === "prosody_sql") type = "sql";
  const hosts = table.hosts === undefined ? undefined : hostStores(table.hosts, where);
  if (type === "internal") {
    const path = resolve(dataPath, text(table, "path", where) ?? dataPath);
    return { name, where, kind: "internal", hosts, label: `internal:${path}`, config: { storage: "internal", data_path: path } };
  }
  if (type === "sql") {
    const driver = text(table, "driver", where) ?? DEFAULT_SQL_DRIVER;
    if (!isSqlDriver(driver)) {
      throw new ConfigError(`${where}: driver must be ${SQL_DRIVER_LIST}, got ${JSON.stringify(driver)}`);
    }
    const database = sqlDatabase(driver, text(table, "database", where), dataPath);
    if (database === undefined) throw new ConfigError(`${where}: database must be set for ${driver}`);
    const sql: SqlOptions = { driver, database };
    for (const key of ["host", "username", "password"] as const) {
      const value = text(table, key, where);
      if (value !== undefined) sql[key] = value;
    }
    if (table.port !== undefined) {
      const port = Number(table.port);
      if (!(Number.isInteger(port) && port > 0 && port < 65536)) throw new ConfigError(`${where}: port must be a port number`);
      sql.port = port;
    }
    const label = SQL_DRIVERS[driver].file ? `${SQL_DRIVERS[driver].schemes[0]}:${database}` : `${driver.toLowerCase()}://${sql.host ?? "localhost"}/${database}`;
    return { name, where, kind: "sql", driver, hosts, label, config: { storage: "sql", sql } };
  }
  throw new ConfigError(`${where}: type must be "internal" or "sql", got ${JSON.stringify(type ?? null)}`);
}

/**
 * Reads prosody-migrator's configuration (`migrator.cfg.lua`): every `NAME { … }` call defines a
 * section, usually `input` and `output`; `local` variables and `..` work as in Lua. Nothing is run.
 */
export function readMigratorConfig(file: string, options: ReadMigratorConfigOptions = {}): Map<string, MigratorSection> {
  const path = resolve(file);
  const env = options.env ?? process.env;
  const dataPath = options.dataPath ?? PROSODY_DEFAULT_DATA_PATH;
  let source: string;
  try {
    source = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read migrator configuration ${path}: ${(error as Error).message}`, { cause: error });
  }
  const raw = new Map<string, { table: Record<string, Value>; where: string }>();
  interpretChunk(source, path, {
    assign(name, _value: LuaValue, line) {
      // prosody-migrator keeps global assignments as plain Lua globals; they carry no settings.
      void name;
      void line;
    },
    global(name) {
      return name.startsWith("ENV_") ? env[name.slice(4)] : undefined;
    },
    getenv: (name) => env[name],
    call(name, argLists, line) {
      const table = argLists[0]?.[0];
      if (argLists.length !== 1 || argLists[0].length !== 1 || !isPlainObject(table)) {
        throw configErrorAt(path, line, `${name} must be followed by one table of settings: ${name} { type = "internal", … }`);
      }
      raw.set(name, { table, where: `${path}:${line}` });
    },
  });
  const sections = new Map<string, MigratorSection>();
  for (const [name, { table, where }] of raw) sections.set(name, section(name, table, where, dataPath));
  return sections;
}
