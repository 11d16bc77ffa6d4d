import { createHash } from "node:crypto";

/**
 * The rows a write reads and rewrites, as Prosody's tables key them: one user's data of one
 * store. Writes naming the same scope take turns (see {@link Turns} and `Dialect.rowLock`);
 * writes of different scopes never wait for each other.
 */
export type RowScope = readonly [host: string, user: string, store: string];

/** A scope as writers take its turn: a name for this process, a digest for the database's lock. */
export interface Turn {
  readonly name: string;
  readonly digest: Buffer;
}

/**
 * The turns of `scopes` in the one order every writer takes them (by digest, without repeats),
 * so that two writers of several scopes each can never wait for each other in a circle.
 */
export function turnsOf(scopes: readonly RowScope[] = []): Turn[] {
  const byName = new Map<string, Turn>();
  for (const scope of scopes) {
    const name = JSON.stringify(scope);
    if (!byName.has(name)) byName.set(name, { name, digest: createHash("sha256").update(name).digest() });
  }
  return [...byName.values()].sort((a, b) => Buffer.compare(a.digest, b.digest));
}

/**
 * Turns within one process: writes of one scope run one after another before they take a
 * connection, so that writers queued on one user never occupy the pool that writers of other
 * users need. Across processes the database's advisory lock does the same.
 */
export class Turns {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `fn` once it has every one of `turns` (taken in the order given). */
  async run<T>(turns: readonly Turn[], fn: () => Promise<T>): Promise<T> {
    if (turns.length === 0) return fn();
    const [first, ...rest] = turns;
    return this.#one(first.name, () => this.run(rest, fn));
  }

  async #one<T>(key: string, fn: () => Promise<T>): Promise<T> {
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
