import { describeConnectFailure, memoize, numberedPlaceholders, prosodyIndexes, prosodyTables, type Dialect } from "./dialect.js";

const TABLES = "('prosody', 'prosodyarchive')";
// serialization_failure, deadlock_detected, lock_not_available (lock_timeout).
const TRANSIENT_CODES = new Set(["40001", "40P01", "55P03"]);
const LOST_CODES = new Set(["57P01", "57P02", "57P03", "ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT"]);

function code(error: unknown): string {
  const c = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof c === "string" ? c : "";
}

/** PostgreSQL through `pg`: Prosody's schema with `BIGSERIAL` ids and an int4 `when`. */
export const postgresDialect: Dialect = {
  engine: "PostgreSQL",
  prepare: memoize(numberedPlaceholders),
  readValue: (column) => column,
  bindValue: "?",
  statistics: {
    rows: `SELECT "reltuples" FROM "pg_class" WHERE "oid" = to_regclass('prosodyarchive')`,
    never: `SELECT 1 FROM "pg_class" WHERE "oid" = to_regclass('prosodyarchive') AND "reltuples" < 0 AND EXISTS (SELECT 1 FROM "prosodyarchive")`,
    analyze: 'ANALYZE "prosodyarchive"',
  },
  byteStrings: false,
  holds: (text) => !text.includes("\0"),
  holdsNot: "U+0000",
  jsonStrings: "SELECT json_array_elements_text(CAST(? AS JSON))",
  whenRange: [-(2 ** 31), 2 ** 31 - 1],
  fractionalWhen: false,
  upsert: true,
  schema: {
    tables: prosodyTables("BIGSERIAL PRIMARY KEY"),
    indexes: prosodyIndexes((names) => names.map((n) => `"${n}"`).join(", "), "INDEX IF NOT EXISTS", true),
    upgrades: () => [],
  },
  probe: {
    tables: `SELECT "table_name" FROM "information_schema"."tables" WHERE "table_schema" = current_schema() AND "table_name" IN ${TABLES}`,
    indexes:
      `SELECT ic."relname", CASE WHEN i."indisunique" THEN 1 ELSE 0 END FROM "pg_index" i ` +
      `JOIN "pg_class" ic ON ic."oid" = i."indexrelid" JOIN "pg_class" t ON t."oid" = i."indrelid" ` +
      `JOIN "pg_namespace" n ON n."oid" = t."relnamespace" WHERE n."nspname" = current_schema() AND t."relname" IN ${TABLES}`,
    columns: `SELECT '', '', '', NULL, NULL WHERE false`,
  },
  // A transaction-level advisory lock on a 64-bit number: nothing in the schema, ended by COMMIT.
  rowLock: {
    key: (digest) => String(digest.readBigInt64BE(0)),
    take: "SELECT 1 FROM pg_advisory_xact_lock(CAST(? AS BIGINT))",
  },
  isTransient: (error) => TRANSIENT_CODES.has(code(error)),
  isConnectionLost(error) {
    const c = code(error);
    if (LOST_CODES.has(c) || c.startsWith("08")) return true;
    const message = error instanceof Error ? error.message : "";
    return /Connection terminated|connection is closed|Client has encountered a connection error|not queryable/i.test(message);
  },
  isMissingDatabase: (error) => code(error) === "3D000",
  describeError(error) {
    const connect = describeConnectFailure(error);
    if (connect !== undefined) return connect;
    const message = error instanceof Error ? error.message : String(error);
    const c = code(error);
    if (c === "25006") return `the database is read-only (${message})`;
    if (c === "53100") return `the disk is full (${message})`;
    if (c === "3D000") return `the database does not exist (${message})`;
    if (this.isConnectionLost(error)) return `lost the connection to the database server (${message})`;
    return c ? `${message} (${c})` : message;
  },
};
