import type { ListIndex } from "./list-index.js";

/** Default budget of the archive index cache, in items (about 250 bytes of memory each). */
export const DEFAULT_INDEX_CACHE_ITEMS = 500_000;

/**
 * Keeps the indexes of recently used `.list` files, least recently used dropped first once
 * more than `maxItems` items are indexed in total, so memory stays bounded however many users
 * have archives. A dropped index is rebuilt from the file when next needed.
 */
export class IndexCache {
  readonly #entries = new Map<string, ListIndex>();
  #items = 0;

  constructor(readonly maxItems = DEFAULT_INDEX_CACHE_ITEMS) {}

  get(path: string): ListIndex | undefined {
    const index = this.#entries.get(path);
    if (index) {
      this.#entries.delete(path);
      this.#entries.set(path, index);
    }
    return index;
  }

  /** Stores (or replaces) the index of `path`; call again after the index grows, to recount. */
  set(path: string, index: ListIndex): void {
    const old = this.#entries.get(path);
    if (old) {
      this.#items -= old.length;
      this.#entries.delete(path);
    }
    this.#entries.set(path, index);
    this.#items += index.length;
    for (const [victim, entry] of this.#entries) {
      if (this.#items <= this.maxItems || victim === path) break;
      this.#entries.delete(victim);
      this.#items -= entry.length;
    }
  }

  delete(path: string): void {
    const old = this.#entries.get(path);
    if (old) {
      this.#items -= old.length;
      this.#entries.delete(path);
    }
  }

  clear(): void {
    this.#entries.clear();
    this.#items = 0;
  }
}
