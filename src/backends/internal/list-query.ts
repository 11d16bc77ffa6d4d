import { idRange } from "../../archive/query.js";
import type { ArchiveQuery } from "../../contracts/index.js";
import type { ListIndex } from "./list-index.js";

/** First index in `0..length` whose value is not below `bound` ("lower bound") by `valueAt`. */
function firstAtLeast(length: number, valueAt: (i: number) => number, bound: number, strict: boolean): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = valueAt(mid);
    if (strict ? v > bound : v >= bound) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Candidate positions: all positions, or a sorted list of some. */
type Base = { all: true } | { all: false; list: readonly number[] };

function baseOf(index: ListIndex, query: ArchiveQuery): Base {
  if (query.key !== undefined) {
    const at = index.positionOf(query.key);
    return { all: false, list: at >= 0 ? [at] : [] };
  }
  if (query.ids !== undefined) {
    const found = new Set<number>();
    for (const id of query.ids) {
      const at = index.positionOf(id);
      if (at >= 0) found.add(at);
    }
    return { all: false, list: [...found].sort((a, b) => a - b) };
  }
  if (query.with !== undefined) return { all: false, list: index.positionsWith(query.with) };
  return { all: true };
}

/** The filter left to check per item once the base and (sorted) time range are applied. */
function residualFilter(index: ListIndex, query: ArchiveQuery): ((i: number) => boolean) | undefined {
  const checks: ((i: number) => boolean)[] = [];
  const byKey = query.key !== undefined;
  const byIds = !byKey && query.ids !== undefined;
  if (query.ids !== undefined && !byIds) {
    const ids = new Set(query.ids);
    checks.push((i) => ids.has(index.keys[i]));
  }
  if (query.with !== undefined && (byKey || byIds)) checks.push((i) => (index.withs[i] ?? "") === query.with);
  if (!index.whenSorted) {
    if (query.start !== undefined) checks.push((i) => index.whens[i] >= query.start!);
    if (query.end !== undefined) checks.push((i) => index.whens[i] <= query.end!);
  }
  if (checks.length === 0) return undefined;
  return (i) => checks.every((check) => check(i));
}

/** Positions [lo, hi) that the time bounds allow, when times are in archive order. */
function timeRange(index: ListIndex, query: ArchiveQuery): [number, number] {
  if (!index.whenSorted) return [0, index.length];
  const at = (i: number) => index.whens[i];
  const lo = query.start === undefined ? 0 : firstAtLeast(index.length, at, query.start, false);
  const hi = query.end === undefined ? index.length : firstAtLeast(index.length, at, query.end, true);
  return [lo, Math.max(lo, hi)];
}

/** Indices [a, b) of the base whose positions fall in [lo, hi). */
function baseSpan(base: Base, lo: number, hi: number): [number, number] {
  if (base.all) return [lo, Math.max(lo, hi)];
  const list = base.list;
  const a = firstAtLeast(list.length, (i) => list[i], lo, false);
  const b = firstAtLeast(list.length, (i) => list[i], hi, false);
  return [a, Math.max(a, b)];
}

/**
 * Answers a query from the index alone: the positions of the selected items in result order
 * and, if asked, the exact total. Same semantics as src/archive/query.ts `selectRecords`, but
 * ids, `with` and (for time-ordered archives) time bounds are looked up rather than scanned,
 * so a page costs about its own size whatever the archive's length.
 */
export function selectPositions(index: ListIndex, query: ArchiveQuery): { positions: number[]; total?: number } {
  const [from, to] = idRange(query, index.length, index.positionOf);
  const base = baseOf(index, query);
  const check = residualFilter(index, query);
  const [tlo, thi] = timeRange(index, query);
  const positionAt = (k: number) => (base.all ? k : base.list[k]);

  let total: number | undefined;
  if (query.total) {
    const [a, b] = baseSpan(base, tlo, thi);
    if (!check) total = b - a;
    else {
      total = 0;
      for (let k = a; k < b; k++) if (check(positionAt(k))) total++;
    }
  }

  const [a, b] = baseSpan(base, Math.max(from, tlo), Math.min(to, thi));
  const limit = query.limit ?? Infinity;
  const positions: number[] = [];
  if (query.reverse) {
    for (let k = b - 1; k >= a && positions.length < limit; k--) {
      const i = positionAt(k);
      if (!check || check(i)) positions.push(i);
    }
  } else {
    for (let k = a; k < b && positions.length < limit; k++) {
      const i = positionAt(k);
      if (!check || check(i)) positions.push(i);
    }
  }
  return total === undefined ? { positions } : { positions, total };
}
