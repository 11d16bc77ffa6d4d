/**
 * Serializes the read-modify-write changes typed stores make to one record (a user's roster,
 * blocklist, …) within this process, so two concurrent changes never lose one another's update.
 * It cannot see other processes: Prosody itself must not write the same data at the same time.
 */
export class RecordLocks {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `change` after every earlier change of `record` has settled. */
  async run<T>(record: string, change: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(record) ?? Promise.resolve();
    const current = previous.then(change);
    const tail = current.catch(() => undefined);
    this.#tails.set(record, tail);
    try {
      return await current;
    } finally {
      // The last change of a record removes its entry, so the map does not grow without bound.
      if (this.#tails.get(record) === tail) this.#tails.delete(record);
    }
  }
}
