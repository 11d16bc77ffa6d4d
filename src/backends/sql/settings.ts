import { isAbsolute, resolve } from "node:path";
import { StorageError } from "../../errors.js";
import type { HostOptions, SqlOptions } from "../../manager/config.js";

/** Connection settings of a database server. */
export interface ServerSettings {
  database: string;
  host?: string;
  port?: number;
  username?: string;
  password?: string;
}

export type SqlSettings = ({ driver: "SQLite3" } & ServerSettings) | ({ driver: "PostgreSQL" | "MySQL" } & ServerSettings);

/**
 * The `sql` option as Prosody reads it: driver SQLite3 by default, a relative SQLite database
 * resolved against `data_path` (default `./data`, as the internal backend; `prosody.sqlite` if none is named).
 */
export function sqlSettings(options: HostOptions, backend: string): SqlSettings {
  const sql: Partial<SqlOptions> = options.sql ?? { driver: "SQLite3" };
  const driver = sql.driver ?? "SQLite3";
  if (driver !== "SQLite3" && driver !== "PostgreSQL" && driver !== "MySQL") {
    throw new StorageError("invalid-input", `[${backend}] unknown sql.driver ${JSON.stringify(driver)}`);
  }
  let database = sql.database;
  if (driver === "SQLite3") {
    database ??= "prosody.sqlite";
    if (database !== ":memory:" && !isAbsolute(database)) database = resolve(options.data_path ?? "./data", database);
  } else if (!database) {
    throw new StorageError("invalid-input", `[${backend}] sql.database must name the ${driver} database`);
  }
  const settings: SqlSettings = { driver, database };
  if (sql.host !== undefined) settings.host = sql.host;
  if (sql.port !== undefined) settings.port = sql.port;
  if (sql.username !== undefined) settings.username = sql.username;
  if (sql.password !== undefined) settings.password = sql.password;
  return settings;
}

/** Hosts whose settings give the same key share one connection or pool (as Prosody's db2uri). */
export function settingsKey(settings: SqlSettings): string {
  const { driver, database, host = "", port = "", username = "", password = "" } = settings;
  return `sql:${JSON.stringify([driver, database, host, port, username, password])}`;
}
