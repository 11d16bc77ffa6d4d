import type { SqlEngine, Work } from "./connection.js";
import type { RowScope } from "./turns.js";

/** Most appends one transaction takes, so that one commit never grows without bound. */
const MAX_BATCH = 256;

const defer = process.env.XS_DEFER === 'tick' ? process.nextTick : setImmediate;

/** One append waiting for a transaction. */
interface Waiting {
  what: string;
  work: () => Work<string>;
  /** The rows it reads and rewrites (see turns.ts): the transaction takes their turns. */
  scope?: RowScope;
  /** Run in a transaction of its own (after it failed among others). */
  alone: boolean;
  resolve(id: string): void;
  reject(error: unknown): void;
}

/**
 * Group commit for archive appends: appends made while others wait (the same turn of the event
 * loop, or while a transaction is running) share one transaction, so that one commit serves many
 * of them. Each append resolves only after the commit that holds it, and fails with its own error:
 * when an append fails among others, the transaction is rolled back, that append runs again on
 * its own (and reports its own outcome) and the others run again together. A commit that failed
 * fails every append it held, as it would one append alone.
 *
 * `begin`, `end`, `settled` and `failed` tell the owner of a cache kept by the appends (archive-counts.ts)
 * when each attempt of a transaction starts and how it ended.
 */
export class GroupCommit {
  readonly #waiting: Waiting[] = [];
  #scheduled = false;

  constructor(
    private readonly engine: SqlEngine,
    private readonly hooks: { begin?: () => void; end?: () => Work<void>; settled?: () => void; failed?: () => void } = {},
  ) {}

  /** Runs `work` (one append, returning its id) in a transaction, with others when they wait. */
  append(what: string, work: () => Work<string>, scope?: RowScope): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ what, work, scope, alone: false, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        // The flush waits for the current turn of the event loop to end, so that every append
        // made in it (and every append that a finished batch's callers make next) joins it.
        defer(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    for (let first = true; this.#waiting.length > 0; first = false) {
      // After a batch, its callers get a turn to make their next appends, which join the next.
      if (!first) await new Promise((resolve) => defer(resolve));
      // Appends in arrival order: one to run alone, or the longest run of others up to MAX_BATCH.
      let n = 1;
      if (!this.#waiting[0].alone) while (n < this.#waiting.length && n < MAX_BATCH && !this.#waiting[n].alone) n++;
      const batch = this.#waiting.splice(0, n);
      await this.#run(batch);
    }
    this.#scheduled = false;
  }

  async #run(batch: Waiting[]): Promise<void> {
    const { begin, end, settled, failed } = this.hooks;
    // Which append was running when the work stopped, and whether all of them had run.
    let current = -1;
    let ranAll = false;
    try {
      const ids = await this.engine.transaction(batch.length === 1 ? batch[0].what : `append of ${batch.length} items`, function* () {
        current = -1;
        ranAll = false;
        begin?.();
        const ids: string[] = [];
        for (current = 0; current < batch.length; current++) ids.push(yield* batch[current].work());
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
