import { memoize, prosodyIndexes, prosodyTables, type Dialect } from "./dialect.js";

const TABLES = "('prosody', 'prosodyarchive')";

function code(error: unknown): string {
  return typeof error === "object" && error !== null && typeof (error as { code?: unknown }).code === "string"
    ? (error as { code: string }).code
    : "";
}

/** SQLite 3 through better-sqlite3, with Prosody's SQLite schema verbatim. */
export const sqliteDialect: Dialect = {
  engine: "SQLite3",
  prepare: memoize((sql) => sql),
  // SQLite does not check that TEXT is UTF-8 and Prosody stores any Lua string there, so text
  // is read as bytes and stored from bytes to keep strings that are not UTF-8.
  readValue: (column) => `CAST(${column} AS BLOB)`,
  bindValue: "CAST(? AS TEXT)",
  // prosodyarchive_index is unique here, so REPLACE finds the row an append replaces.
  insertReplacing: "INSERT OR REPLACE INTO",
  withIndexHint: 'INDEXED BY "prosodyarchive_with_when"',
  dataVersion: "SELECT \"data_version\", total_changes() FROM pragma_data_version",
  byteStrings: true,
  holds: () => true,
  holdsNot: "nothing",
  jsonStrings: 'SELECT "value" FROM json_each(?)',
  whenRange: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  fractionalWhen: true,
  upsert: true,
  schema: {
    tables: prosodyTables("INTEGER PRIMARY KEY AUTOINCREMENT"),
    indexes: prosodyIndexes((names) => names.map((n) => `"${n}"`).join(", "), "INDEX IF NOT EXISTS", true),
    upgrades: () => [],
  },
  probe: {
    tables: `SELECT "name" FROM "sqlite_master" WHERE "type" = 'table' AND "name" IN ${TABLES}`,
    indexes:
      `SELECT "name", CASE WHEN upper("sql") LIKE 'CREATE UNIQUE%' THEN 1 ELSE 0 END FROM "sqlite_master" ` +
      `WHERE "type" = 'index' AND "tbl_name" IN ${TABLES}`,
    columns: `SELECT '', '', '', NULL, NULL WHERE 0`,
  },
  isConnectionLost: () => false,
  // Another process held the write lock for longer than the busy timeout.
  isTransient: (error) => code(error).startsWith("SQLITE_BUSY"),
  isMissingDatabase: () => false,
  describeError(error) {
    const message = error instanceof Error ? error.message : String(error);
    const c = code(error);
    if (c.startsWith("SQLITE_READONLY")) return `the database is read-only (${message})`;
    if (c === "SQLITE_FULL") return `the disk or database is full (${message})`;
    if (c.startsWith("SQLITE_BUSY")) return `the database is locked by another process (${message})`;
    if (c.startsWith("SQLITE_CANTOPEN")) return `the database file cannot be opened (${message})`;
    return c ? `${message} (${c})` : message;
  },
};
