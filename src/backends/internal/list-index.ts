import type { Stats } from "node:fs";

/** What the scanner reports for one `item(...)` of a `.list` file. */
export interface ScannedItem {
  /** Byte offset where the item starts, and where the next one may start. */
  start: number;
  end: number;
  /** The item's id; Prosody uses the position ("1", "2", …) for items stored without one. */
  key: string;
  when: number;
  /** Absent for items stored without `with` (PEP, pubsub). */
  with?: string;
}

/** Which version of a file an index describes: any change by another process changes one of these. */
export interface FileIdentity {
  ino: number;
  dev: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

export function identityOf(stats: Stats): FileIdentity {
  return { ino: stats.ino, dev: stats.dev, size: stats.size, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs };
}

export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.ino === b.ino && a.dev === b.dev && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

/**
 * An in-memory index of one `.list` file: per item its byte range, id, time and `with`, in
 * archive order, plus id → position and `with` → positions. Queries use it to find the items
 * to read, so a page costs reading those items, not parsing the whole archive.
 */
export class ListIndex {
  readonly keys: string[] = [];
  readonly whens: number[] = [];
  readonly withs: (string | undefined)[] = [];
  /** starts[i] is where item i begins; item i ends where item i+1 begins, the last at `end`. */
  readonly starts: number[] = [];
  /** End of the last complete item: bytes after it are a torn (interrupted) append. */
  end = 0;
  /** False when the last complete item is not followed by a newline (a file not written by us or Prosody). */
  endsWithNewline = true;
  /**
   * True when a read built this index from the file without checking Prosody 13's `.lidx`
   * against it (reads never write): the next write checks it.
   */
  lidxUnchecked = false;
  /** True while `when` never decreases in archive order, so time ranges can be binary-searched. */
  whenSorted = true;
  readonly #positions = new Map<string, number>();
  #byWith: Map<string, number[]> | undefined;
  readonly #withNames = new Map<string, string>();

  constructor(
    /** The file version this index describes. */
    public identity: FileIdentity | undefined,
    items: Iterable<ScannedItem> = [],
    end = 0,
  ) {
    for (const item of items) this.push(item);
    this.end = Math.max(end, this.end);
  }

  get length(): number {
    return this.keys.length;
  }

  /** Bytes after the last complete item (a torn append), if any. */
  get tornBytes(): number {
    return this.identity === undefined ? 0 : Math.max(0, this.identity.size - this.end);
  }

  positionOf = (id: string): number => this.#positions.get(id) ?? -1;

  /** Adds an item at the end of archive order. */
  push(item: ScannedItem): void {
    const at = this.keys.length;
    if (at > 0 && item.when < this.whens[at - 1]) this.whenSorted = false;
    this.keys.push(item.key);
    this.whens.push(item.when);
    this.withs.push(item.with === undefined ? undefined : this.#intern(item.with));
    this.starts.push(item.start);
    // A repeated id (possible in files written by other tools) resolves to its last occurrence.
    this.#positions.set(item.key, at);
    if (this.#byWith) this.#withList(item.with ?? "").push(at);
    this.end = item.end;
  }

  /** Byte range of item `i`. */
  range(i: number): [number, number] {
    return [this.starts[i], i + 1 < this.starts.length ? this.starts[i + 1] : this.end];
  }

  /** Positions of items with this `with` ("" for items without one), in archive order. */
  positionsWith(with_: string): readonly number[] {
    if (!this.#byWith) {
      this.#byWith = new Map();
      for (let i = 0; i < this.withs.length; i++) this.#withList(this.withs[i] ?? "").push(i);
    }
    return this.#byWith.get(with_) ?? [];
  }

  /** One string per distinct `with`: archives hold few contacts and many items. */
  #intern(with_: string): string {
    let known = this.#withNames.get(with_);
    if (known === undefined) this.#withNames.set(with_, (known = with_));
    return known;
  }

  #withList(with_: string): number[] {
    let list = this.#byWith!.get(with_);
    if (!list) this.#byWith!.set(with_, (list = []));
    return list;
  }

  /** The item at position `i` as a scanner record (for rewriting). */
  item(i: number): ScannedItem {
    const [start, end] = this.range(i);
    const item: ScannedItem = { start, end, key: this.keys[i], when: this.whens[i] };
    if (this.withs[i] !== undefined) item.with = this.withs[i];
    return item;
  }
}
