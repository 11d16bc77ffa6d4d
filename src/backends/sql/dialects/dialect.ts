/**
 * Everything that differs between the SQL engines, behind one interface: the store code writes
 * SQL once, with `"quoted"` identifiers and `?` placeholders, and never asks which engine it
 * talks to.
 */
export interface Dialect {
  /** The engine's name, for messages only. */
  readonly engine: string;
  /** SQL as this engine wants it: placeholders and identifier quotes rewritten. */
  prepare(sql: string): string;
  /** How a value column is selected so that text comes back exactly (SQLite: as bytes). */
  readValue(column: string): string;
  /** The placeholder for a value column on insert (SQLite: bytes stored as TEXT). */
  readonly bindValue: string;
  /**
   * Where the planner needs telling (SQLite has no statistics unless ANALYZE ran): the clause,
   * after the table name, that makes a `with` query use prosodyarchive_with_when, which bounds
   * the work by that contact's items instead of scanning the archive from its newest end.
   */
  readonly withIndexHint?: string;
  /**
   * Where the planner needs telling (MariaDB/MySQL): the clause, after the table name, that makes
   * a page bounded only by sort_id (newest 50, 50 before an id) a range scan of
   * prosodyarchive_sort. Without it MariaDB looks the user's rows up by their first three columns
   * and filters sort_id, reading every item newer than the bound (half the archive for a page
   * from its middle).
   */
  readonly sortIndexHint?: string;
  /**
   * The upsert that gives an archive append's "replace" in one statement: an INSERT that first
   * removes a row with the same (host, user, store, key), so the new one gets a new sort_id
   * (SQLite: `INSERT OR REPLACE`). Where absent, the rows are deleted first, then inserted.
   */
  readonly insertReplacing?: string;
  /**
   * A SELECT of values that change whenever another connection commits to the database or this
   * one writes (SQLite: `data_version` and `total_changes()`), so this connection can tell
   * whether counts it cached are still true. Absent where no such cheap signal exists.
   */
  readonly dataVersion?: string;
  /** How prosodyarchive's planner statistics are read and refreshed (see statistics.ts); absent on SQLite. */
  readonly statistics?: {
    /** SELECT of the row count the statistics know (one row, one column). */
    readonly rows: string;
    /** SELECT giving a row when the table holds rows but was never analysed. */
    readonly never: string;
    /** The statement that analyses the table. */
    readonly analyze: string;
  };
  /** True where text columns can hold bytes that are not UTF-8. */
  readonly byteStrings: boolean;
  /**
   * True where a key/name column holds `text` faithfully: PostgreSQL text cannot contain U+0000;
   * MySQL's utf8mb4_bin collation pads with spaces, so `"a "` would equal `"a"`.
   */
  holds(text: string): boolean;
  /** What `holds` rules out, for messages. */
  readonly holdsNot: string;
  /**
   * A subquery giving the strings of one parameter holding a JSON array of strings: how a long
   * list of ids is passed (engines limit the number of parameters of a statement).
   */
  readonly jsonStrings: string;
  /** The `when` column's range, in seconds. */
  readonly whenRange: readonly [number, number];
  /** True where `when` can hold fractions of a second (SQLite stores them as REAL). */
  readonly fractionalWhen: boolean;
  /**
   * True where Prosody 13 writes map keys with `INSERT … ON CONFLICT … DO UPDATE` on its unique
   * key index (SQLite ≥ 3.24, PostgreSQL); MySQL keeps DELETE + INSERT, as in 13.
   */
  readonly upsert: boolean;
  /** The DDL of Prosody's schema, run only for what is missing. */
  readonly schema: SchemaDdl;
  /** Statements that list the columns and indexes present (see {@link SchemaProbe}). */
  readonly probe: SchemaProbe;
  /**
   * An advisory lock per row scope (see turns.ts), so that writers of one user's rows take
   * turns across processes; absent where one connection serialises writers anyway (SQLite).
   */
  readonly rowLock?: RowLock;
  /** True when `error` means the connection is gone (so one retry on a new one is worthwhile). */
  isConnectionLost(error: unknown): boolean;
  /**
   * True when the database rolled the transaction back so that running it again may succeed:
   * a deadlock, a serialization failure, a lock wait timeout, a busy database.
   */
  isTransient(error: unknown): boolean;
  /** True when `error` says the named database does not exist on the server. */
  isMissingDatabase(error: unknown): boolean;
  /** A short explanation of a driver error, e.g. "the database is read-only". */
  describeError(error: unknown): string;
}

export interface RowLock {
  /** The lock's one parameter for a scope's digest (a 64-bit number, or a short name). */
  key(digest: Buffer): string;
  /** A SELECT that waits for the lock and gives 1 when it is held. */
  readonly take: string;
  /**
   * Where given, locks belong to the session: they are taken before BEGIN and all given back
   * with this statement (no parameters) after COMMIT or ROLLBACK. Otherwise they are taken
   * after BEGIN and end with the transaction.
   */
  readonly release?: string;
  /**
   * Run before BEGIN of a transaction that holds turns: the isolation it needs no more than
   * (the turn already keeps other writers of its rows out), where the default would make
   * writers of different rows deadlock each other.
   */
  readonly isolation?: string;
}

export interface SchemaDdl {
  /** CREATE TABLE statements by table name. */
  tables: Record<"prosody" | "prosodyarchive", string>;
  /** CREATE INDEX statements by index name, with their table. */
  indexes: Record<string, { table: "prosody" | "prosodyarchive"; sql: string }>;
  /** Changes an older Prosody's schema needs (Prosody 0.12's `upgrade_table`), given what is present. */
  upgrades(present: PresentSchema): string[];
  /**
   * Where the engine cannot run the upgrade in one transaction (MySQL): SELECTs of one count,
   * each of rows that would make a statement fail half-way; the upgrade runs only when all are 0.
   */
  upgradeChecks?(present: PresentSchema): Array<{ sql: string; problem: string }>;
}

export interface SchemaProbe {
  /** SELECT of table names (one column) among prosody and prosodyarchive. */
  tables: string;
  /** SELECT of index names (one column), and 1/0 for unique (second column). */
  indexes: string;
  /** SELECT of (table, column, type, charset, collation) for the prosody tables. */
  columns: string;
}

export interface PresentSchema {
  tables: Set<string>;
  indexes: Map<string, { unique: boolean }>;
  columns: Array<{ table: string; column: string; type: string; charset: string | null; collation: string | null }>;
}

/** Rewrites `?` placeholders to `$1, $2, …` (PostgreSQL). Statements never hold literal `?`. */
export function numberedPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Memoises `prepare` per statement text; store code reuses a small set of statements. */
export function memoize(rewrite: (sql: string) => string): (sql: string) => string {
  const cache = new Map<string, string>();
  return (sql) => {
    let out = cache.get(sql);
    if (out === undefined) {
      out = rewrite(sql);
      if (cache.size < 1000) cache.set(sql, out);
    }
    return out;
  };
}

/**
 * Prosody's two tables. Engines differ only in the `sort_id` column, the type of `value` and
 * what follows the column list (MySQL's character set); every other column is the same.
 */
export function prosodyTables(sortId: string, valueType = "TEXT", suffix = ""): { prosody: string; prosodyarchive: string } {
  return {
    prosody:
      'CREATE TABLE IF NOT EXISTS "prosody" ("host" TEXT NOT NULL, "user" TEXT NOT NULL, "store" TEXT NOT NULL, ' +
      `"key" TEXT NOT NULL, "type" TEXT NOT NULL, "value" ${valueType} NOT NULL)${suffix}`,
    prosodyarchive:
      `CREATE TABLE IF NOT EXISTS "prosodyarchive" ("sort_id" ${sortId}, "host" TEXT NOT NULL, ` +
      '"user" TEXT NOT NULL, "store" TEXT NOT NULL, "key" TEXT NOT NULL, "when" INTEGER NOT NULL, "with" TEXT NOT NULL, ' +
      `"type" TEXT NOT NULL, "value" ${valueType} NOT NULL)${suffix}`,
  };
}

/** Standard index DDL of Prosody's schema, given how each engine writes a column list. */
export function prosodyIndexes(
  columns: (names: string[]) => string,
  createIndex: string,
  archiveIndexUnique: boolean,
): SchemaDdl["indexes"] {
  const index = (name: string, table: "prosody" | "prosodyarchive", names: string[], unique = false) => ({
    [name]: { table, sql: `CREATE ${unique ? "UNIQUE " : ""}${createIndex} "${name}" ON "${table}" (${columns(names)})` },
  });
  return {
    // The key index of the prosody table: 0.12's plain one, or 13's unique one (not unique on
    // MySQL, where it indexes 20-character prefixes); ensureSchema creates one of the two.
    ...index("prosody_index", "prosody", ["host", "user", "store", "key"]),
    ...index("prosody_unique_index", "prosody", ["host", "user", "store", "key"], archiveIndexUnique),
    ...index("prosodyarchive_index", "prosodyarchive", ["host", "user", "store", "key"], archiveIndexUnique),
    ...index("prosodyarchive_with_when", "prosodyarchive", ["host", "user", "store", "with", "when"]),
    ...index("prosodyarchive_when", "prosodyarchive", ["host", "user", "store", "when"]),
    ...index("prosodyarchive_sort", "prosodyarchive", ["host", "user", "store", "sort_id"]),
  };
}

/**
 * What a failed connection attempt says, in words naming the address the driver tried (which
 * may differ from what was configured: `localhost` resolves to 127.0.0.1 or ::1); `undefined`
 * when the error is not one of those.
 */
export function describeConnectFailure(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, address, port, hostname } = error as { code?: unknown; address?: unknown; port?: unknown; hostname?: unknown };
  const where = typeof address === "string" ? `${address.includes(":") ? `[${address}]` : address}${port === undefined ? "" : `:${String(port)}`}` : "the server";
  switch (code) {
    case "ECONNREFUSED":
      return `connection refused to ${where} (is the database server running and listening there?)`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `no such host ${typeof hostname === "string" ? hostname : "(unknown)"}`;
    case "ETIMEDOUT":
      return `connection to ${where} timed out`;
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `${where} is unreachable`;
    default:
      return undefined;
  }
}
