import { rows, type SqlEngine, type Work } from "./connection.js";
import { archiveInsertSql, limitClause } from "./archive-query.js";
import { GroupCommit } from "./group-commit.js";

/**
 * How many items each archive holds, for the quota check of an append, kept per engine so that
 * a check costs one cached lookup instead of a count that grows with the archive.
 *
 * A cached count is only trusted while nothing else can have changed the table. Where the
 * dialect has a `dataVersion` statement (SQLite: `PRAGMA data_version`, which moves when any
 * other connection commits, in this process or another, and `total_changes()`, which moves when
 * this connection writes), the append transaction reads it first and last; the next one finds
 * the same value unless another write came in between (a delete, a bulk write, another
 * process), and then forgets every count. A transaction whose commit this process did not see
 * succeed leaves the counts unsettled, and they are forgotten too, so a rolled-back append is
 * never counted. Engines without `dataVersion` (PostgreSQL, MySQL, where other processes'
 * commits cannot be seen cheaply) count every time, inside the transaction, bounded by the quota.
 */
export class ArchiveCounts {
  readonly #held = new Map<string, number>();
  #version = "";
  #unsettled = false;
  #opened = false;

  constructor(private readonly engine: SqlEngine) {}

  /** A transaction (or another attempt of one) starts: its first {@link held} checks the cache. */
  begin(): void {
    this.#opened = false;
  }

  /**
   * A transaction's first look at the counts: forgets them when another connection committed,
   * or when the last transaction that changed them never said it committed.
   */
  *#open(): Work<void> {
    this.#opened = true;
    const dataVersion = this.engine.dialect.dataVersion;
    if (dataVersion === undefined) return;
    const version = versionOf(yield* rows(dataVersion));
    if (version !== this.#version || this.#unsettled) this.#held.clear();
    this.#version = version;
    this.#unsettled = false;
  }

  /** Items held by one archive, at least up to `quota` (a count at or above it means full). */
  *held(host: string, user: string, store: string, quota: number): Work<number> {
    if (!this.#opened) yield* this.#open();
    const key = `${host}\0${user}\0${store}`;
    const known = this.#held.get(key);
    if (known !== undefined) return known;
    const found = yield* rows(
      `SELECT COUNT(*) FROM (SELECT 1 AS "one" FROM "prosodyarchive" WHERE "host" = ? AND "user" = ? AND "store" = ?${limitClause(quota + 1)}) AS "held"`,
      [host, user, store],
    );
    const held = Number(found[0][0]);
    if (this.engine.dialect.dataVersion !== undefined) this.#held.set(key, held);
    return held;
  }

  /**
   * Records, inside the transaction, that an archive now holds `held` items; the count is
   * unsettled until {@link settled} says the transaction committed.
   */
  hold(host: string, user: string, store: string, held: number): void {
    if (this.engine.dialect.dataVersion === undefined) return;
    this.#unsettled = true;
    this.#held.set(`${host}\0${user}\0${store}`, held);
  }

  /** The last step of a transaction that used the counts: what the next one should find. */
  *close(): Work<void> {
    const dataVersion = this.engine.dialect.dataVersion;
    if (!this.#opened || dataVersion === undefined) return;
    this.#version = versionOf(yield* rows(dataVersion));
  }

  /** The transaction that last called {@link hold} committed: its counts are true. */
  settled(): void {
    this.#unsettled = false;
  }

  /** Forgets every count (after a delete or bulk write, or a transaction that failed). */
  forget(): void {
    this.#held.clear();
  }
}

const versionOf = (found: unknown[][]) => found[0].map(String).join(" ");

/** The append path of one engine: its counts and its group commit, shared by its archive stores. */
export interface AppendPath {
  counts: ArchiveCounts;
  appends: GroupCommit;
}

const pathOf = new WeakMap<SqlEngine, AppendPath>();

export function appendPath(engine: SqlEngine): AppendPath {
  let path = pathOf.get(engine);
  if (!path) {
    const counts = new ArchiveCounts(engine);
    const appends = new GroupCommit(engine, (n) => archiveInsertSql(engine.dialect, n), { begin: () => counts.begin(), end: () => counts.close(), settled: () => counts.settled(), failed: () => counts.forget() });
    pathOf.set(engine, (path = { counts, appends }));
  }
  return path;
}
