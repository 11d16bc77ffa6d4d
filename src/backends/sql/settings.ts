import { storageError } from "../../errors.js";
import { DEFAULT_SQL_DRIVER, isSqlDriver, sqlDatabase, type HostOptions, type SqlDriver, type SqlOptions } from "../../contracts/index.js";

/** Connection settings of a database server. */
export interface ServerSettings {
  database: string;
  host?: string;
  port?: number;
  username?: string;
  password?: string;
}

/** Prosody 13's `sqlite_tune` values (see engine-sqlite.ts for what each sets). */
export const SQLITE_TUNES = ["default", "normal", "fast", "safe"] as const;
export type SqliteTune = (typeof SQLITE_TUNES)[number];

export type SqlSettings = { driver: SqlDriver; sqliteTune?: SqliteTune } & ServerSettings;

/**
 * The `sql` option as Prosody reads it: driver SQLite3 by default, a relative SQLite database
 * resolved against `data_path` (default `./data`, as the internal backend; `prosody.sqlite` if none is named).
 */
export function sqlSettings(options: HostOptions, backend: string): SqlSettings {
  const sql: Partial<SqlOptions> = options.sql ?? { driver: DEFAULT_SQL_DRIVER };
  const driver = sql.driver ?? DEFAULT_SQL_DRIVER;
  if (!isSqlDriver(driver)) {
    throw storageError("invalid-input", `unknown sql.driver ${JSON.stringify(driver)}`, { backend });
  }
  const database = sqlDatabase(driver, sql.database, options.data_path ?? "./data");
  if (database === undefined) {
    throw storageError("invalid-input", `sql.database must name the ${driver} database`, { backend });
  }
  const settings: SqlSettings = { driver, database };
  if (sql.host !== undefined) settings.host = sql.host;
  if (sql.port !== undefined) settings.port = sql.port;
  if (sql.username !== undefined) settings.username = sql.username;
  if (sql.password !== undefined) settings.password = sql.password;
  const tune = options.sqlite_tune;
  if (tune !== undefined && driver === "SQLite3") {
    if (!SQLITE_TUNES.includes(tune as SqliteTune)) {
      throw storageError("invalid-input", `sqlite_tune must be one of ${SQLITE_TUNES.join(", ")}, got ${JSON.stringify(tune)}`, { backend });
    }
    settings.sqliteTune = tune as SqliteTune;
  }
  return settings;
}

/** Hosts whose settings give the same key share one connection or pool (as Prosody's db2uri). */
export function settingsKey(settings: SqlSettings): string {
  const { driver, database, host = "", port = "", username = "", password = "" } = settings;
  return `sql:${JSON.stringify([driver, database, host, port, username, password])}`;
}
