import { Element } from "ltx";
import { storageError } from "../../errors.js";
import type { ArchiveDeleteQuery, ArchiveItem, ArchiveQuery, ArchiveResult, ArchiveStore, ArchiveSummary, User } from "../../contracts/index.js";
import { rows, run, type Param, type Rows, type Work } from "./connection.js";
import { archiveInsertSql, archiveWhere, extend, idRange, limitClause, nthSortId, sqlOf, type Where } from "./archive-query.js";
import { describeObject, userColumn, type SqlTable } from "./scope.js";
import { checkText, checkWhen } from "./archive-checks.js";
import { appendPath } from "./archive-counts.js";

/** How a page is read: see `pathOf` in sqlArchive. */
type Path = "contact" | "sort" | "plain";

/** Rows fetched per round trip while iterating a result without a small limit. */
const PAGE_SIZE = 250;

// Archive values are XML, which is UTF-8 by definition, so they are read as text (no bytes).
const COLUMNS = `"sort_id", "key", "when", "with", "type", "value"`;

/**
 * Prosody's SQL archive: every query answered by the database through Prosody's indexes, in
 * sort_id order, results streamed in pages; ids are UUIDs as Prosody makes them. `quota` is
 * `storage_archive_item_limit` (none by default, as in Prosody's SQL backend).
 */
export function sqlArchive(scope: SqlTable, quota: number | undefined, newId: () => string): ArchiveStore {
  const { engine, codec, host, store } = scope;
  const { dialect } = engine;
  const columns = COLUMNS;
  const { counts, appends } = appendPath(engine);
  const insert = archiveInsertSql(dialect, 1);

  const toItem = (row: unknown[], where: string): ArchiveItem => {
    const id = String(codec.text(row[1], `${where} row ${String(row[0])}`, "key"));
    const item = `${where} item ${id}`;
    const value = codec.decode(row[4], row[5], item);
    if (!(value instanceof Element)) {
      throw storageError("unsupported-datatype", `${where} item ${id} holds a ${String(row[4])} value, not a stanza`, { backend: "sql", object: engine.label });
    }
    return { id, value, when: codec.number(row[2], item, "when"), with: String(codec.text(row[3], item, "with")) };
  };

  /** The SELECT of one page of rows in archive order (or newest first). */
  function pageSql(where: Where, descending: boolean, limit: number, path: Path = "plain"): [string, Param[]] {
    const order = `ORDER BY "sort_id" ${descending ? "DESC" : "ASC"}`;
    if (path === "sort" && dialect.sortIndexHint) {
      return [`SELECT ${columns} FROM "prosodyarchive" ${dialect.sortIndexHint} WHERE ${sqlOf(where)} ${order}${limitClause(limit)}`, where.params];
    }
    if (path === "contact" && dialect.withIndexHint) {
      // Ids from the covering (host, user, store, with, when, rowid) index first, rows after.
      const ids = `SELECT "sort_id" FROM "prosodyarchive" ${dialect.withIndexHint} WHERE ${sqlOf(where)} ${order}${limitClause(limit)}`;
      return [`SELECT ${columns} FROM "prosodyarchive" WHERE "sort_id" IN (${ids}) ${order}`, where.params];
    }
    return [`SELECT ${columns} FROM "prosodyarchive" WHERE ${sqlOf(where)} ${order}${limitClause(limit)}`, where.params];
  }

  /**
   * The index a page of `query` is read through where the dialect needs telling: by contact;
   * by sort_id (a page of the whole archive, or one before/after an id); or the planner's choice.
   */
  const pathOf = (query: ArchiveQuery): Path => {
    if (query.with !== undefined) return "contact";
    const narrowed = query.key !== undefined || query.ids !== undefined || query.start !== undefined || query.end !== undefined;
    return narrowed ? "plain" : "sort";
  };

  /** Items of a result, fetching further pages after the first as the caller iterates. */
  function resultOf(first: Rows, where: Where, query: ArchiveQuery, label: string, total?: number): ArchiveResult {
    const descending = query.reverse === true;
    const wanted = query.limit ?? Infinity;
    const result: ArchiveResult = {
      async *[Symbol.asyncIterator]() {
        let batch = first;
        let asked = Math.min(wanted, PAGE_SIZE);
        let given = 0;
        for (;;) {
          for (const row of batch) yield toItem(row, label);
          given += batch.length;
          if (batch.length < asked || given >= wanted) return;
          asked = Math.min(PAGE_SIZE, wanted - given);
          const cursor = extend(where, `"sort_id" ${descending ? "<" : ">"} ?`, Number(batch[batch.length - 1][0]));
          batch = await engine.read(`find in ${label}`, ...pageSql(cursor, descending, asked, pathOf(query)));
        }
      },
    };
    if (total !== undefined) result.total = total;
    return result;
  }

  function* count(where: Where): Work<number> {
    const found = yield* rows(`SELECT COUNT(*) FROM "prosodyarchive" WHERE ${sqlOf(where)}`, where.params);
    return Number(found[0][0]);
  }

  return {
    caps: { total: true, quota, truncate: true, fullIdRange: true, ids: true, wildcardDelete: true },

    async append(user: User, key: string | null, value: Element, when?: number, with_?: string) {
      const label = describeObject(scope, user);
      const encoded = codec.encode(value, `[sql] ${label} item`);
      const at = checkWhen(dialect, engine.label, when ?? Math.floor(Date.now() / 1000));
      checkText(dialect, engine.label, "with", with_ ?? "");
      if (key !== null) checkText(dialect, engine.label, "key", key);
      const owner = userColumn(user, dialect);
      if (key === null && quota === undefined) {
        // Nothing to replace or count: one row, which may share an INSERT with other appends.
        const id = newId();
        return appends.insert(`append to ${label}`, id, [host, owner, store, at, with_ ?? "", id, encoded.type, encoded.value]);
      }
      return appends.append(`append to ${label}`, function* () {
        // Counted before the item it replaces is deleted: the count (cached or not) is of before.
        let held = quota === undefined ? 0 : yield* counts.held(host, owner, store, quota);
        if (key !== null) held -= yield* run(`DELETE FROM "prosodyarchive" WHERE "host" = ? AND "user" = ? AND "store" = ? AND "key" = ?`, [host, owner, store, key]);
        if (quota !== undefined) {
          if (held >= quota) throw storageError("quota-limit", `archive ${label} holds ${quota} items, its limit`, { backend: "sql" });
        }
        const id = key ?? newId();
        yield* run(insert, [host, owner, store, at, with_ ?? "", id, encoded.type, encoded.value] as Param[]);
        if (quota !== undefined) counts.hold(host, owner, store, held + 1);
        return id;
      }, [host, owner, store]);
    },

    async find(user, query = {}) {
      const label = describeObject(scope, user);
      const base = archiveWhere(dialect, host, userColumn(user, dialect), store, query);
      const limit = Math.min(query.limit ?? Infinity, PAGE_SIZE);
      const path = pathOf(query);
      if (!query.total && query.before === undefined && query.after === undefined) {
        // One statement: the first page (the common MAM query) needs no transaction.
        const found = limit === 0 ? [] : await engine.read(`find in ${label}`, ...pageSql(base, query.reverse === true, limit, path));
        return resultOf(found, base, query, label);
      }
      const first = await engine.transaction(`find in ${label}`, function* () {
        const total = query.total ? yield* count(base) : undefined;
        const where = yield* idRange(dialect, base, host, userColumn(user, dialect), store, query);
        const found = limit === 0 ? [] : yield* rows(...pageSql(where, query.reverse === true, limit, path));
        return { total, where, found };
      });
      return resultOf(first.found, first.where, query, label, first.total);
    },

    async delete(user, query: ArchiveDeleteQuery = {}) {
      const label = describeObject(scope, user);
      const owner = user === true ? true : userColumn(user, dialect);
      return engine.transaction(`delete from ${label}`, function* () {
        let where = yield* idRange(dialect, archiveWhere(dialect, host, owner, store, query), host, owner, store, query);
        if (query.truncate !== undefined) {
          // Keep the newest `truncate` items (the oldest, with reverse): delete beyond the boundary.
          if (query.truncate > 0) {
            const boundary = yield* nthSortId(where, query.truncate, !query.reverse);
            if (boundary === undefined) return 0;
            where = extend(where, `"sort_id" ${query.reverse ? ">" : "<"} ?`, boundary);
          }
        } else if (query.limit !== undefined) {
          if (query.limit === 0) return 0;
          const boundary = yield* nthSortId(where, query.limit, query.reverse === true);
          if (boundary !== undefined) where = extend(where, `"sort_id" ${query.reverse ? ">=" : "<="} ?`, boundary);
        }
        return yield* run(`DELETE FROM "prosodyarchive" WHERE ${sqlOf(where)}`, where.params);
      }, owner === true ? { write: true } : { scopes: [[host, owner, store]] });
    },

    async get(user, id) {
      const label = describeObject(scope, user);
      const where = archiveWhere(dialect, host, userColumn(user, dialect), store, { key: id });
      const found = await engine.read(`get from ${label}`, ...pageSql(where, false, 1));
      if (found.length === 0) return undefined;
      const item = toItem(found[0], label);
      return { value: item.value, when: item.when, with: item.with };
    },

    async set(user, id, value, when, with_) {
      const label = describeObject(scope, user);
      // An id the column cannot hold names no stored item (MySQL would match it padded).
      if (!dialect.holds(id)) return false;
      const encoded = codec.encode(value, `[sql] ${label} item ${id}`);
      const sets = ['"type" = ?', `"value" = ${dialect.bindValue}`];
      const params: Param[] = [encoded.type, encoded.value];
      if (when !== undefined) {
        sets.push('"when" = ?');
        params.push(checkWhen(dialect, engine.label, when));
      }
      if (with_ !== undefined) {
        sets.push('"with" = ?');
        params.push(checkText(dialect, engine.label, "with", with_));
      }
      const changed = await engine.transaction(`change item ${id} of ${label}`, function* () {
        return yield* run(`UPDATE "prosodyarchive" SET ${sets.join(", ")} WHERE "host" = ? AND "user" = ? AND "store" = ? AND "key" = ?`, [
          ...params,
          host,
          userColumn(user, dialect),
          store,
          id,
        ]);
      }, { write: true });
      return changed > 0;
    },

    async summary(user, query = {}) {
      const label = describeObject(scope, user);
      const found = await engine.transaction(`summarise ${label}`, function* () {
        const where = yield* idRange(dialect, archiveWhere(dialect, host, userColumn(user, dialect), store, query), host, userColumn(user, dialect), store, query);
        const source =
          query.limit === undefined
            ? `"prosodyarchive" WHERE ${sqlOf(where)}`
            : `(SELECT "with", "when" FROM "prosodyarchive" WHERE ${sqlOf(where)} ORDER BY "sort_id" ${query.reverse ? "DESC" : "ASC"}${limitClause(query.limit)}) AS "selected"`;
        return yield* rows(`SELECT "with", COUNT(*), MIN("when"), MAX("when") FROM ${source} GROUP BY "with"`, where.params);
      });
      const summary: ArchiveSummary = { counts: {}, earliest: {}, latest: {} };
      for (const [with_, n, earliest, latest] of found) {
        const contact = String(codec.text(with_, `${label} (a summary row)`, "with"));
        summary.counts[contact] = Number(n);
        summary.earliest[contact] = Number(earliest);
        summary.latest[contact] = Number(latest);
      }
      return summary;
    },

    async *users() {
      const found = await engine.transaction(`list users of ${host}/${store}`, function* () {
        return yield* rows(`SELECT DISTINCT "user" FROM "prosodyarchive" WHERE "host" = ? AND "store" = ? AND "user" <> ''`, [host, store]);
      });
      for (const [user] of found) yield String(user);
    },
  };
}
