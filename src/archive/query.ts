import type { Element } from "ltx";
import { storageError } from "../errors.js";
import type { ArchiveDeleteQuery, ArchiveQuery, ArchiveSummary } from "../contracts/index.js";

/** An archive item as backends keep it; `with` is absent for items stored without one. */
export interface ArchiveRecord {
  key: string;
  when: number;
  with?: string;
  value: Element;
}

/** True when an item passes the query's filters (`with`, `start`, `end`, `key`, `ids`). */
function matchesFilters(item: { key: string; when: number; with?: string }, query: ArchiveQuery, ids?: Set<string>): boolean {
  if (query.with !== undefined && (item.with ?? "") !== query.with) return false;
  if (query.start !== undefined && item.when < query.start) return false;
  if (query.end !== undefined && item.when > query.end) return false;
  if (query.key !== undefined && item.key !== query.key) return false;
  if (ids && !ids.has(item.key)) return false;
  return true;
}

function idSet(query: ArchiveQuery): Set<string> | undefined {
  return query.ids ? new Set(query.ids) : undefined;
}

/**
 * The half-open range of archive positions that `after`/`before` leave, found with
 * `positionOf` (the position of an id in archive order, or -1). Unknown ids are `item-not-found`.
 */
export function idRange(query: ArchiveQuery, length: number, positionOf: (id: string) => number): [number, number] {
  let from = 0;
  let to = length;
  if (query.after !== undefined) {
    const at = positionOf(query.after);
    if (at < 0) throw storageError("item-not-found", `no archive item with id ${JSON.stringify(query.after)}`);
    from = at + 1;
  }
  if (query.before !== undefined) {
    const at = positionOf(query.before);
    if (at < 0) throw storageError("item-not-found", `no archive item with id ${JSON.stringify(query.before)}`);
    to = at;
  }
  return [from, Math.max(from, to)];
}

/**
 * Answers a query over items held in archive order: the selected items in result order and,
 * when asked, the total of items matching the filters (ignoring before/after and limit).
 */
export function selectRecords<T extends ArchiveRecord>(
  items: readonly T[],
  query: ArchiveQuery,
  positionOf: (id: string) => number,
): { selected: T[]; total?: number } {
  const ids = idSet(query);
  const [from, to] = idRange(query, items.length, positionOf);
  const total = query.total ? items.reduce((n, item) => n + (matchesFilters(item, query, ids) ? 1 : 0), 0) : undefined;
  const limit = query.limit ?? Infinity;
  const selected: T[] = [];
  if (query.reverse) {
    for (let i = to - 1; i >= from && selected.length < limit; i--) if (matchesFilters(items[i], query, ids)) selected.push(items[i]);
  } else {
    for (let i = from; i < to && selected.length < limit; i++) if (matchesFilters(items[i], query, ids)) selected.push(items[i]);
  }
  return total === undefined ? { selected } : { selected, total };
}

/**
 * Which items a delete removes: those the query selects, except that `truncate: n` spares the
 * newest n of them (the oldest n with `reverse`), as Prosody's SQL backend does.
 */
export function recordsToDelete<T extends ArchiveRecord>(
  items: readonly T[],
  query: ArchiveDeleteQuery,
  positionOf: (id: string) => number,
): T[] {
  const { truncate, limit, reverse, ...filters } = query;
  if (truncate === undefined) {
    return selectRecords(items, { ...filters, reverse, limit }, positionOf).selected;
  }
  const newestFirst = selectRecords(items, { ...filters, reverse: !reverse }, positionOf).selected;
  return newestFirst.slice(truncate);
}

/** Per-`with` counts, first and last times, and the latest body text, over items in archive order. */
export function summarize(items: Iterable<{ when: number; with?: string; value: Element }>): ArchiveSummary {
  const summary: Required<ArchiveSummary> = { counts: {}, earliest: {}, latest: {}, body: {} };
  for (const item of items) {
    const with_ = item.with ?? "";
    summary.counts[with_] = (summary.counts[with_] ?? 0) + 1;
    if (summary.earliest[with_] === undefined || item.when < summary.earliest[with_]) summary.earliest[with_] = item.when;
    if (summary.latest[with_] === undefined || item.when >= summary.latest[with_]) {
      summary.latest[with_] = item.when;
      const body = item.value.getChildText("body");
      if (body !== null) summary.body[with_] = body;
    }
  }
  return summary;
}
