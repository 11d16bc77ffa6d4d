import { rows, run, type SqlEngine } from "./connection.js";

/** Rows a bulk write must add before the statistics are checked (small tables plan well anyway). */
const FIRST_CHECK = 1000;

/**
 * Planner statistics of prosodyarchive on engines whose planner needs them (PostgreSQL,
 * MariaDB/MySQL). A table that was never analysed, or that grew past what its statistics say,
 * gets plans that read an archive by the wrong index: PostgreSQL without statistics takes the
 * smallest index that matches host/user/store for every query, so an id lookup, a `with` page or
 * the bulk path's replace-by-key DELETE reads the whole archive. Autovacuum fixes that within
 * a minute or so; a migration or bulk load cannot wait, so the bulk path brings the statistics
 * up to date itself once it has written at least as many rows as they know of (a doubling, so
 * a load of n rows analyses about log2(n) times, each a bounded sample).
 */
export class ArchiveStatistics {
  #written = 0;

  constructor(private readonly engine: SqlEngine) {}

  /** After a bulk write of `n` archive rows has committed. */
  async wrote(n: number): Promise<void> {
    const statistics = this.engine.dialect.statistics;
    if (!statistics) return;
    this.#written += n;
    if (this.#written < FIRST_CHECK) return;
    const known = await this.engine.read("read planner statistics", statistics.rows);
    const counted = known.length === 0 ? 0 : Number(known[0][0]);
    if (counted >= this.#written) return;
    await this.refresh();
  }

  /** Analyses the table now (at open when it was never analysed, or after a bulk load). */
  async refresh(): Promise<void> {
    const statistics = this.engine.dialect.statistics;
    if (!statistics) return;
    await this.engine.transaction("analyze prosodyarchive", function* () {
      yield* run(statistics.analyze);
    });
    this.#written = 0;
  }

  /** True when the table has rows but was never analysed. */
  async missing(): Promise<boolean> {
    const statistics = this.engine.dialect.statistics;
    if (!statistics) return false;
    const found = await this.engine.transaction("read planner statistics", function* () {
      return yield* rows(statistics.never);
    });
    return found.length > 0;
  }
}

const statisticsOf = new WeakMap<SqlEngine, ArchiveStatistics>();

/** The one {@link ArchiveStatistics} of an engine. */
export function archiveStatistics(engine: SqlEngine): ArchiveStatistics {
  let statistics = statisticsOf.get(engine);
  if (!statistics) statisticsOf.set(engine, (statistics = new ArchiveStatistics(engine)));
  return statistics;
}
