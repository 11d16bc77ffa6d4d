import { run, type Param, type SqlEngine, type Work } from "./connection.js";
import type { RowScope } from "./turns.js";

/** Most appends one transaction takes, so that one commit never grows without bound. */
const MAX_BATCH = 256;
/** Rows per multi-row INSERT: 8 parameters each stays far below every engine's limit. */
const ROWS_PER_INSERT = 100;

/** One append waiting for a transaction. */
interface Waiting {
  what: string;
  /** The append's own statements, returning its id… */
  work?: () => Work<string>;
  /** …or, for an append that is one INSERT, its row and id (rows of a batch share INSERTs). */
  row?: { id: string; params: readonly Param[] };
  /**
   * The rows `work` reads and rewrites (see turns.ts): the transaction takes their turns. A
   * `row` append needs none: one INSERT reads nothing, and the database orders INSERTs itself.
   */
  scope?: RowScope;
  /** Run in a transaction of its own (after it failed among others). */
  alone: boolean;
  resolve(id: string): void;
  reject(error: unknown): void;
}

/** What the owner of a cache kept by the appends (archive-counts.ts) is told of each transaction. */
export interface GroupCommitHooks {
  /** An attempt of a transaction starts. */
  begin?: () => void;
  /** The last statements of an attempt, after every append ran. */
  end?: () => Work<void>;
  /** The transaction committed. */
  settled?: () => void;
  /** The transaction failed (rolled back, or its outcome is unknown). */
  failed?: () => void;
}

/**
 * Group commit for archive appends: appends made while others wait (the same turn of the event
 * loop, or while a transaction is running) share one transaction, so that one commit serves many
 * of them, and appends that are one INSERT each share multi-row INSERTs. Each append resolves
 * only after the commit that holds it, and fails with its own error: when an append fails among
 * others, the transaction is rolled back, that append runs again on its own (and reports its own
 * outcome) and the others run again together. A commit that failed fails every append it held,
 * as it would one append alone.
 */
export class GroupCommit {
  readonly #waiting: Waiting[] = [];
  #scheduled = false;

  /** `insertRows(n)`: the INSERT of n rows that `row` appends use. */
  constructor(
    private readonly engine: SqlEngine,
    private readonly insertRows: (n: number) => string,
    private readonly hooks: GroupCommitHooks = {},
  ) {}

  /** Runs `work` (one append, returning its id) in a transaction, with others when they wait. */
  append(what: string, work: () => Work<string>, scope?: RowScope): Promise<string> {
    return this.#wait({ what, work, scope });
  }

  /** Appends one row (its parameters in `insertRows`' order) whose id is `id`. */
  insert(what: string, id: string, params: readonly Param[]): Promise<string> {
    return this.#wait({ what, row: { id, params } });
  }

  #wait(job: Pick<Waiting, "what" | "work" | "row" | "scope">): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ ...job, alone: false, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        // The flush waits for the current turn of the event loop to end, so that every append
        // made in it (and every append that a finished batch's callers make next) joins it.
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    for (let first = true; this.#waiting.length > 0; first = false) {
      // After a batch, its callers get a turn to make their next appends, which join the next.
      if (!first) await new Promise((resolve) => setImmediate(resolve));
      // Appends in arrival order: one to run alone, or the longest run of others up to MAX_BATCH.
      let n = 1;
      if (!this.#waiting[0].alone) while (n < this.#waiting.length && n < MAX_BATCH && !this.#waiting[n].alone) n++;
      await this.#run(this.#waiting.splice(0, n));
    }
    this.#scheduled = false;
  }

  async #run(batch: Waiting[]): Promise<void> {
    const { begin, end, settled, failed } = this.hooks;
    const insertRows = this.insertRows;
    // Which append was running when the work stopped, and whether all of them had run.
    let current = -1;
    let ranAll = false;
    try {
      const ids = await this.engine.transaction(batch.length === 1 ? batch[0].what : `append of ${batch.length} items`, function* () {
        current = -1;
        ranAll = false;
        begin?.();
        const ids: string[] = [];
        for (current = 0; current < batch.length; ) {
          const { work } = batch[current];
          if (work) {
            ids.push(yield* work());
            current++;
            continue;
          }
          // A run of row appends: one INSERT (if it fails, `current` names its first row).
          let n = 1;
          while (n < ROWS_PER_INSERT && current + n < batch.length && batch[current + n].row) n++;
          const rows = batch.slice(current, current + n).map((w) => w.row!);
          yield* run(insertRows(n), rows.flatMap((r) => r.params));
          ids.push(...rows.map((r) => r.id));
          current += n;
        }
        ranAll = true;
        if (end) yield* end();
        return ids;
      }, { write: true, scopes: batch.flatMap((w) => (w.scope ? [w.scope] : [])) });
      settled?.();
      batch.forEach((w, i) => w.resolve(ids[i]));
    } catch (error) {
      failed?.();
      if (batch.length === 1 || ranAll || current < 0) {
        // Alone, or the commit itself failed: every append it held has this outcome.
        for (const w of batch) w.reject(error);
        return;
      }
      // One append failed among others before the commit: nothing was written; it runs again
      // alone, so that its error (or success) is its own, and the others run again together.
      batch[current].alone = true;
      this.#waiting.unshift(...batch);
    }
  }
}
