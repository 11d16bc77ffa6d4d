/**
 * Remembers the outcome of one async creation per key, so concurrent callers share it; a
 * failed creation is forgotten, so the next call tries again (a backend may come back).
 */
export class PromiseCache<T> {
  readonly #entries = new Map<string, Promise<T>>();

  get(key: string, create: () => Promise<T>): Promise<T> {
    let pending = this.#entries.get(key);
    if (!pending) {
      pending = create();
      pending.catch(() => this.#entries.delete(key));
      this.#entries.set(key, pending);
    }
    return pending;
  }

  values(): IterableIterator<Promise<T>> {
    return this.#entries.values();
  }

  clear(): void {
    this.#entries.clear();
  }
}
