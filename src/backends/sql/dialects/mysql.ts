import { describeConnectFailure, memoize, prosodyIndexes, prosodyTables, type Dialect, type PresentSchema } from "./dialect.js";

const TABLES = "('prosody', 'prosodyarchive')";
const CHARSET = "utf8mb4";
const COLLATION = "utf8mb4_bin";
const LOST_CODES = new Set([
  "PROTOCOL_CONNECTION_LOST",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ER_CONNECTION_KILLED",
  "ER_SERVER_SHUTDOWN",
  "ER_CON_COUNT_ERROR",
]);

// ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT: InnoDB rolled the transaction (or statement) back.
const TRANSIENT_ERRNOS = new Set([1213, 1205]);
/** Seconds GET_LOCK waits before giving up (the chokepoint then retries). */
const LOCK_WAIT = 30;

function field(error: unknown, name: string): unknown {
  return typeof error === "object" && error !== null ? (error as Record<string, unknown>)[name] : undefined;
}

/** Prosody 0.12's `upgrade_table` for MySQL: MEDIUMTEXT values, a non-unique id index, utf8mb4. */
function upgrades(present: PresentSchema): string[] {
  const out: string[] = [];
  const value = present.columns.find((c) => c.table === "prosody" && c.column === "value");
  if (value && value.type.toLowerCase() === "text") out.push('ALTER TABLE "prosody" MODIFY COLUMN "value" MEDIUMTEXT NOT NULL');
  if (present.indexes.get("prosodyarchive_index")?.unique) {
    out.push('ALTER TABLE "prosodyarchive" DROP INDEX "prosodyarchive_index"', mysqlDialect.schema.indexes.prosodyarchive_index.sql);
  }
  for (const c of relabelled(present)) {
    const type = c.table === "prosody" && c.column === "value" ? "MEDIUMTEXT" : c.type;
    // Through BLOB, so the bytes are kept and only relabelled, as Prosody's upgrade does.
    out.push(
      `ALTER TABLE "${c.table}" CHANGE "${c.column}" "${c.column}" BLOB NOT NULL`,
      `ALTER TABLE "${c.table}" CHANGE "${c.column}" "${c.column}" ${type} CHARACTER SET '${CHARSET}' COLLATE '${COLLATION}' NOT NULL`,
    );
  }
  return out;
}

/** Columns whose character set Prosody's upgrade relabels to utf8mb4. */
function relabelled(present: PresentSchema): PresentSchema["columns"] {
  return present.columns.filter((c) => !(c.charset === null || (c.charset === CHARSET && c.collation === COLLATION)));
}

/**
 * The relabelling keeps the bytes and calls them UTF-8; bytes that are not valid UTF-8 would make
 * the second ALTER fail after the first left the column a BLOB. Count such rows first.
 */
function upgradeChecks(present: PresentSchema): Array<{ sql: string; problem: string }> {
  return relabelled(present).map((c) => ({
    sql: `SELECT COUNT(*) FROM "${c.table}" WHERE CAST(CONVERT(CAST("${c.column}" AS BINARY) USING ${CHARSET}) AS BINARY) <> CAST("${c.column}" AS BINARY)`,
    problem: `${c.table}.${c.column} (${c.charset}) holds bytes that are not UTF-8, which the conversion to ${CHARSET} would stop at`,
  }));
}

/** MySQL and MariaDB through `mysql2`: utf8mb4 tables, MEDIUMTEXT values, 20-character index prefixes. */
export const mysqlDialect: Dialect = {
  engine: "MySQL",
  prepare: memoize((sql) => sql.replace(/"/g, "`")),
  sortIndexHint: 'FORCE INDEX ("prosodyarchive_sort")',
  readValue: (column) => column,
  bindValue: "?",
  statistics: {
    rows: `SELECT "TABLE_ROWS" FROM information_schema."TABLES" WHERE "TABLE_SCHEMA" = DATABASE() AND "TABLE_NAME" = 'prosodyarchive'`,
    // InnoDB computes persistent statistics itself when a table is created and as it changes.
    never: "SELECT 1 FROM DUAL WHERE 0",
    analyze: 'ANALYZE TABLE "prosodyarchive"',
  },
  byteStrings: false,
  holds: (text) => !text.endsWith(" "),
  holdsNot: "trailing spaces (utf8mb4_bin compares 'a ' equal to 'a')",
  jsonStrings: `SELECT "id" FROM JSON_TABLE(?, '$[*]' COLUMNS ("id" TEXT CHARACTER SET ${CHARSET} COLLATE ${COLLATION} PATH '$')) AS "ids"`,
  whenRange: [-(2 ** 31), 2 ** 31 - 1],
  fractionalWhen: false,
  upsert: false,
  schema: {
    tables: prosodyTables("INTEGER PRIMARY KEY AUTO_INCREMENT", "MEDIUMTEXT", ` CHARACTER SET '${CHARSET}' COLLATE '${COLLATION}'`),
    // MySQL can index only a prefix of a TEXT column, so keys longer than 20 characters could
    // collide: that is why Prosody does not make prosodyarchive_index unique here. Prosody also
    // gives the integer columns a prefix length, which MySQL refuses, so its three other archive
    // indexes are never created (the error is ignored); here they are, without the prefix.
    indexes: prosodyIndexes((names) => names.map((n) => (n === "when" || n === "sort_id" ? `"${n}"` : `"${n}"(20)`)).join(", "), "INDEX", false),
    upgrades,
    upgradeChecks,
  },
  probe: {
    tables: `SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN ${TABLES}`,
    indexes:
      `SELECT DISTINCT index_name, CASE WHEN non_unique = 0 THEN 1 ELSE 0 END FROM information_schema.statistics ` +
      `WHERE table_schema = DATABASE() AND table_name IN ${TABLES}`,
    columns:
      `SELECT table_name, column_name, column_type, character_set_name, collation_name FROM information_schema.columns ` +
      `WHERE table_schema = DATABASE() AND table_name IN ${TABLES}`,
  },
  // A named user lock (at most 64 characters): held by the session, given back after the
  // transaction; it needs nothing in the schema and dies with its connection.
  rowLock: {
    key: (digest) => `xmppstore:${digest.toString("hex", 0, 20)}`,
    take: `SELECT GET_LOCK(?, ${LOCK_WAIT})`,
    release: "SELECT RELEASE_ALL_LOCKS()",
    // REPEATABLE READ makes InnoDB lock the gaps next to the rows a DELETE looks for, so writers
    // of neighbouring users (in the index) deadlock each other's INSERTs; READ COMMITTED does
    // not lock gaps. It needs row-based or mixed binary logging (the defaults) where logging is on.
    isolation: "SET TRANSACTION ISOLATION LEVEL READ COMMITTED",
  },
  isTransient: (error) => TRANSIENT_ERRNOS.has(field(error, "errno") as number),
  isConnectionLost(error) {
    const c = field(error, "code");
    return field(error, "fatal") === true || (typeof c === "string" && LOST_CODES.has(c));
  },
  isMissingDatabase: (error) => field(error, "errno") === 1049,
  describeError(error) {
    const connect = describeConnectFailure(error);
    if (connect !== undefined) return connect;
    const message = error instanceof Error ? error.message : String(error);
    const errno = field(error, "errno");
    if (errno === 1290 || errno === 1836) return `the database is read-only (${message})`;
    if (errno === 1114 || errno === 1021) return `the disk or table is full (${message})`;
    if (this.isConnectionLost(error)) return `lost the connection to the database server (${message})`;
    const c = field(error, "code");
    return typeof c === "string" ? `${message} (${c})` : message;
  },
};
