import { isAbsolute, resolve } from "node:path";

/**
 * The one list of SQL engines: Prosody's driver names (what `sql.driver` takes, in configuration
 * files and in `new StorageManager`), the command line's SOURCE schemes for each, and what differs
 * between them. Configuration readers, the command line and the sql backend all read this table.
 */
export const SQL_DRIVERS = {
  SQLite3: {
    /** SOURCE schemes on the command line (`sqlite:FILE`). */
    schemes: ["sqlite"],
    /** The database is a file, named relative to `data_path`. */
    file: true,
    /** Prosody's mod_storage_sql opens `prosody.sqlite` under `data_path` when none is named. */
    defaultDatabase: "prosody.sqlite",
    /** Strings that are not valid UTF-8 are kept byte for byte. */
    byteStrings: true,
  },
  // Their text columns (PostgreSQL's TEXT, MySQL's utf8mb4) refuse bytes that are not UTF-8.
  PostgreSQL: { schemes: ["postgres", "postgresql"], file: false, defaultDatabase: undefined, byteStrings: false },
  MySQL: { schemes: ["mysql", "mariadb"], file: false, defaultDatabase: undefined, byteStrings: false },
} as const satisfies Record<string, { schemes: readonly string[]; file: boolean; defaultDatabase: string | undefined; byteStrings: boolean }>;

export type SqlDriver = keyof typeof SQL_DRIVERS;

export const SQL_DRIVER_NAMES = Object.keys(SQL_DRIVERS) as SqlDriver[];

/** Prosody's default driver when `sql` names none. */
export const DEFAULT_SQL_DRIVER: SqlDriver = "SQLite3";

/** `"SQLite3", "PostgreSQL" or "MySQL"`, for messages. */
export const SQL_DRIVER_LIST = SQL_DRIVER_NAMES.map((name, i) => `${i === SQL_DRIVER_NAMES.length - 1 ? "or " : ""}"${name}"`)
  .join(", ")
  .replace(/, or/, " or");

export function isSqlDriver(name: unknown): name is SqlDriver {
  return typeof name === "string" && Object.hasOwn(SQL_DRIVERS, name);
}

/** The driver a command line SOURCE scheme (`postgres`, `mariadb`, …) names, if any. */
export function driverOfScheme(scheme: string): SqlDriver | undefined {
  const lower = scheme.toLowerCase();
  return SQL_DRIVER_NAMES.find((name) => (SQL_DRIVERS[name].schemes as readonly string[]).includes(lower));
}

/**
 * The database a driver opens: a file driver's database (default {@link SQL_DRIVERS}'
 * `defaultDatabase`) resolved against `dataPath`, as mod_storage_sql does; `undefined` when a
 * server driver names none (an error for the caller to word).
 */
export function sqlDatabase(driver: SqlDriver, database: string | undefined, dataPath: string): string | undefined {
  const entry = SQL_DRIVERS[driver];
  if (!entry.file) return database || undefined;
  const name = database || entry.defaultDatabase;
  return name === ":memory:" || isAbsolute(name) ? name : resolve(dataPath, name);
}
