/**
 * Lookup structures for the RFC 3454 tables as rfc3454-tables.ts stores them (hex text, made by
 * scripts/gen-stringprep-tables.mjs): a set of code point ranges searched by bisection, and a
 * code point → replacement map.
 */

/** A set of code points, from "221,234-24F,…". */
export class CodePointSet {
  /** Flattened [first, last] pairs, sorted and disjoint. */
  private readonly bounds: Uint32Array;

  constructor(...tables: string[]) {
    const pairs = tables
      .flatMap((table) => table.split(","))
      .map((item) => item.split("-").map((hex) => parseInt(hex, 16)))
      .map(([first, last = first]) => [first!, last] as const)
      .sort((a, b) => a[0] - b[0]);
    this.bounds = Uint32Array.from(pairs.flat());
  }

  has(codePoint: number): boolean {
    let low = 0;
    let high = this.bounds.length / 2 - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (codePoint < this.bounds[middle * 2]!) high = middle - 1;
      else if (codePoint > this.bounds[middle * 2 + 1]!) low = middle + 1;
      else return true;
    }
    return false;
  }

  /** True if any code point of `text` is in the set. */
  hasAny(text: string): boolean {
    for (const char of text) if (this.has(char.codePointAt(0)!)) return true;
    return false;
  }
}

/** A code point mapping, from "41>61,DF>73 73,AD>,…". */
export function codePointMap(table: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const entry of table.split(",")) {
    const [from, to] = entry.split(">") as [string, string];
    const replacement = to === "" ? "" : String.fromCodePoint(...to.split(" ").map((hex) => parseInt(hex, 16)));
    map.set(parseInt(from, 16), replacement);
  }
  return map;
}
