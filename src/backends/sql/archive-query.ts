import { storageError } from "../../errors.js";
import type { ArchiveQuery } from "../../contracts/index.js";
import { rows, type Param, type Work } from "./connection.js";

/** A WHERE clause in parts, with its parameters in order. */
export interface Where {
  conditions: string[];
  params: Param[];
}

export function sqlOf(where: Where): string {
  return where.conditions.join(" AND ");
}

/** The rows of one archive (`user` true: of every user of the store), as Prosody's archive_where. */
export function archiveWhere(host: string, user: string | true, store: string, query: ArchiveQuery): Where {
  const where: Where = { conditions: [], params: [] };
  const add = (condition: string, ...params: Param[]) => {
    where.conditions.push(condition);
    where.params.push(...params);
  };
  add('"host" = ?', host);
  if (user !== true) add('"user" = ?', user);
  add('"store" = ?', store);
  if (query.start !== undefined) add('"when" >= ?', query.start);
  if (query.end !== undefined) add('"when" <= ?', query.end);
  if (query.with !== undefined) add('"with" = ?', query.with);
  if (query.key !== undefined) add('"key" = ?', query.key);
  if (query.ids !== undefined) {
    if (query.ids.length === 0) add("1 = 0");
    else add(`"key" IN (${query.ids.map(() => "?").join(", ")})`, ...query.ids);
  }
  return where;
}

/** A copy of `where` with more conditions. */
export function extend(where: Where, condition: string, ...params: Param[]): Where {
  return { conditions: [...where.conditions, condition], params: [...where.params, ...params] };
}

/**
 * Narrows `where` to the items strictly after `query.after` and before `query.before`, found by
 * their sort_id through the unique (host, user, store, key) index; an unknown id is item-not-found.
 */
export function* idRange(base: Where, host: string, user: string | true, store: string, query: ArchiveQuery): Work<Where> {
  let where = base;
  for (const [field, op] of [
    ["after", ">"],
    ["before", "<"],
  ] as const) {
    const id = query[field];
    if (id === undefined) continue;
    const scope = user === true ? '"host" = ? AND "store" = ?' : '"host" = ? AND "user" = ? AND "store" = ?';
    const params: Param[] = user === true ? [host, store, id] : [host, user, store, id];
    const found = yield* rows(`SELECT "sort_id" FROM "prosodyarchive" WHERE ${scope} AND "key" = ? ORDER BY "sort_id" LIMIT 1`, params);
    if (found.length === 0) throw storageError("item-not-found", `no archive item with id ${JSON.stringify(id)} in ${user === true ? "" : `${user || "(host)"}@`}${host}/${store}`);
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
