import { storageError, type StorageError } from "../../errors.js";
import type { ArchiveQuery } from "../../contracts/index.js";
import { rows, type Param, type Work } from "./connection.js";
import type { Dialect } from "./dialects/dialect.js";

/** An INSERT of `n` archive rows (host, user, store, when, with, key, type, value each), with `verb`. */
export function archiveInsertSql(dialect: Dialect, n: number, verb = "INSERT INTO"): string {
  const row = `(?, ?, ?, ?, ?, ?, ?, ${dialect.bindValue})`;
  return `${verb} "prosodyarchive" ("host", "user", "store", "when", "with", "key", "type", "value") VALUES ${row}${`, ${row}`.repeat(n - 1)}`;
}

/** A WHERE clause in parts, with its parameters in order. */
export interface Where {
  conditions: string[];
  params: Param[];
}

export function sqlOf(where: Where): string {
  return where.conditions.join(" AND ");
}

/** Up to this many ids are written as `IN (?, …)`; more go as one JSON parameter (see Dialect.jsonStrings). */
const INLINE_IDS = 100;

/**
 * The rows of one archive (`user` true: of every user of the store), as Prosody's archive_where.
 * Values the columns cannot hold (see Dialect.holds) match nothing, and time bounds are made
 * comparable with the `when` column (see {@link whenBounds}), so no query reaches the database
 * in a form it would reject.
 */
export function archiveWhere(dialect: Dialect, host: string, user: string | true, store: string, query: ArchiveQuery): Where {
  const where: Where = { conditions: [], params: [] };
  const add = (condition: string, ...params: Param[]) => {
    where.conditions.push(condition);
    for (const param of params) where.params.push(param);
  };
  add('"host" = ?', host);
  if (user !== true) add('"user" = ?', user);
  add('"store" = ?', store);
  const { start, end, empty } = whenBounds(dialect, query.start, query.end);
  if (empty) add("1 = 0");
  if (start !== undefined) add('"when" >= ?', start);
  if (end !== undefined) add('"when" <= ?', end);
  for (const field of ["with", "key"] as const) {
    const text = query[field];
    if (text === undefined) continue;
    if (dialect.holds(text)) add(`"${field}" = ?`, text);
    else add("1 = 0");
  }
  if (query.ids !== undefined) {
    const ids = query.ids.filter((id) => dialect.holds(id));
    if (ids.length === 0) add("1 = 0");
    else if (ids.length <= INLINE_IDS) add(`"key" IN (${ids.map(() => "?").join(", ")})`, ...ids);
    else add(`"key" IN (${dialect.jsonStrings})`, JSON.stringify(ids));
  }
  return where;
}

/**
 * A query's time bounds as the `when` column compares them. Where it holds whole seconds only
 * (int4 on PostgreSQL and MySQL), a fractional start rounds up and an end down, which selects
 * the same rows; a bound beyond the column's range is dropped, or, when it excludes the whole
 * range, makes the query empty (a MAM client may ask from year 1 or up to year 9999).
 */
export function whenBounds(dialect: Dialect, start: number | undefined, end: number | undefined): { start?: number; end?: number; empty: boolean } {
  const [min, max] = dialect.whenRange;
  const from = start === undefined || dialect.fractionalWhen ? start : Math.ceil(start);
  const to = end === undefined || dialect.fractionalWhen ? end : Math.floor(end);
  if ((from !== undefined && from > max) || (to !== undefined && to < min) || (from !== undefined && to !== undefined && from > to)) {
    return { empty: true };
  }
  return {
    start: from !== undefined && from > min ? from : undefined,
    end: to !== undefined && to < max ? to : undefined,
    empty: false,
  };
}

/** A copy of `where` with more conditions. */
export function extend(where: Where, condition: string, ...params: Param[]): Where {
  return { conditions: [...where.conditions, condition], params: [...where.params, ...params] };
}

/**
 * Narrows `where` to the items strictly after `query.after` and before `query.before`, found by
 * their sort_id through the unique (host, user, store, key) index; an unknown id is item-not-found.
 */
function unknownId(id: string, host: string, user: string | true, store: string): StorageError {
  return storageError("item-not-found", `no archive item with id ${JSON.stringify(id)} in ${user === true ? "" : `${user || "(host)"}@`}${host}/${store}`);
}

export function* idRange(dialect: Dialect, base: Where, host: string, user: string | true, store: string, query: ArchiveQuery): Work<Where> {
  let where = base;
  for (const [field, op] of [
    ["after", ">"],
    ["before", "<"],
  ] as const) {
    const id = query[field];
    if (id === undefined) continue;
    if (!dialect.holds(id)) throw unknownId(id, host, user, store);
    const scope = user === true ? '"host" = ? AND "store" = ?' : '"host" = ? AND "user" = ? AND "store" = ?';
    const params: Param[] = user === true ? [host, store, id] : [host, user, store, id];
    const found = yield* rows(`SELECT "sort_id" FROM "prosodyarchive" WHERE ${scope} AND "key" = ? ORDER BY "sort_id" LIMIT 1`, params);
    if (found.length === 0) throw unknownId(id, host, user, store);
    where = extend(where, `"sort_id" ${op} ?`, Number(found[0][0]));
  }
  return where;
}

/** A LIMIT clause; counts are whole numbers the manager has checked, so they are written inline. */
export function limitClause(limit: number | undefined, offset = 0): string {
  if (limit === undefined) return "";
  return offset > 0 ? ` LIMIT ${limit} OFFSET ${offset}` : ` LIMIT ${limit}`;
}

/**
 * The sort_id of the n-th item (1-based) of `where` in the given order, or undefined if there
 * are fewer: the boundary for deletes with `limit` or `truncate`, which MySQL cannot express
 * as a DELETE … LIMIT subquery.
 */
export function* nthSortId(where: Where, n: number, descending: boolean): Work<number | undefined> {
  const found = yield* rows(
    `SELECT "sort_id" FROM "prosodyarchive" WHERE ${sqlOf(where)} ORDER BY "sort_id" ${descending ? "DESC" : "ASC"}${limitClause(1, n - 1)}`,
    where.params,
  );
  return found.length === 0 ? undefined : Number(found[0][0]);
}
