import { createHash } from "node:crypto";

/**
 * The rows a write reads and rewrites, as Prosody's tables key them: one user's data of one
 * store. Writes naming the same scope take turns (see {@link Turns} and `Dialect.rowLock`);
 * writes of different scopes never wait for each other.
 */
export type RowScope = readonly [host: string, user: string, store: string];

/** 32 bytes that name a scope, the same in every process (advisory lock keys are made from it). */
export function scopeDigest(scope: RowScope): Buffer {
  return createHash("sha256").update(JSON.stringify(scope)).digest();
}

/**
 * Turns within one process: writes of one scope run one after another before they take a
 * connection, so that writers queued on one user never occupy the pool that writers of other
 * users need. Across processes the database's advisory lock does the same.
 */
export class Turns {
  readonly #tails = new Map<string, Promise<unknown>>();

  async run<T>(scope: RowScope | undefined, fn: () => Promise<T>): Promise<T> {
    if (scope === undefined) return fn();
    const key = JSON.stringify(scope);
    const before = this.#tails.get(key) ?? Promise.resolve();
    const mine = before.then(fn, fn);
    const tail = mine.catch(() => {});
    this.#tails.set(key, tail);
    try {
      return await mine;
    } finally {
      // The last in line removes the entry, so the map holds only scopes with writes pending.
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
