/**
 * Serialises operations per key (a file path) within this process: each operation on a key
 * starts when the previous one has settled. Different keys run concurrently.
 */
export class FileMutex {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `fn` once every earlier operation on `key` has finished; resolves with its result. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(fn, fn);
    const tail = result.then(
      () => {},
      () => {},
    );
    this.#tails.set(key, tail);
    // Forget the key once nothing is queued behind this operation, so the map stays small.
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Resolves when every operation queued so far has settled. */
  async idle(): Promise<void> {
    while (this.#tails.size > 0) await Promise.all([...this.#tails.values()]);
  }
}
