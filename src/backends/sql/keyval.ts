import { storeCaps, type KeyValStore, type User } from "../../contracts/index.js";
import type { Value } from "../../values/index.js";
import { rows, run, type Param, type Work } from "./connection.js";
import { mergeRows, splitRows } from "./keyval-rows.js";
import { describeObject, userColumn, type SqlTable } from "./scope.js";
import type { EncodedValue } from "./values.js";

/** Rows per INSERT statement: 6 parameters each stays far below every engine's limit. */
const ROWS_PER_INSERT = 100;

/** Statements and units of work on the `prosody` table shared by keyval, map and keyval+. */
export function keyvalSql(scope: SqlTable) {
  const { dialect } = scope.engine;
  const selectUser =
    `SELECT ${dialect.readValue('"key"')}, "type", ${dialect.readValue('"value"')} FROM "prosody" ` +
    `WHERE "host" = ? AND "user" = ? AND "store" = ?`;
  const row = `(?, ?, ?, ?, ?, ${dialect.bindValue})`;
  const insert = `INSERT INTO "prosody" ("host", "user", "store", "key", "type", "value") VALUES ${row}`;
  /** An INSERT of n rows: a user's rows go in one round trip, not one each (as Prosody does). */
  const insertMany = (n: number) => `${insert}${`, ${row}`.repeat(n - 1)}`;
  const upsert = `${insert} ON CONFLICT ("host", "user", "store", "key") DO UPDATE SET "type" = excluded."type", "value" = excluded."value"`;
  /** One row's parameters, in the column order of `row`. */
  const rowParams = (user: string, key: string, encoded: EncodedValue): Param[] => [scope.host, user, scope.store, key, encoded.type, encoded.value] as Param[];
  return {
    selectUser,
    /** The same rows as text: faster; only text that is not UTF-8 needs `selectUser`. */
    selectUserText: `SELECT "key", "type", "value" FROM "prosody" WHERE "host" = ? AND "user" = ? AND "store" = ?`,
    *insertRow(user: string, key: string, encoded: EncodedValue): Work<void> {
      yield* run(insert, rowParams(user, key, encoded));
    },
    /** One key's row, replaced in place where it exists, as Prosody 13's map writes (needs 13's unique index). */
    *upsertRow(user: string, key: string, encoded: EncodedValue): Work<void> {
      yield* run(upsert, rowParams(user, key, encoded));
    },
    *replaceUser(user: string, rowsToWrite: Array<[string, EncodedValue]>): Work<void> {
      yield* run(`DELETE FROM "prosody" WHERE "host" = ? AND "user" = ? AND "store" = ?`, [scope.host, user, scope.store]);
      for (let from = 0; from < rowsToWrite.length; from += ROWS_PER_INSERT) {
        const some = rowsToWrite.slice(from, from + ROWS_PER_INSERT);
        yield* run(insertMany(some.length), some.flatMap(([key, encoded]) => rowParams(user, key, encoded)));
      }
    },
    *users(): Work<string[]> {
      const found = yield* rows(`SELECT DISTINCT "user" FROM "prosody" WHERE "host" = ? AND "store" = ? AND "user" <> ''`, [
        scope.host,
        scope.store,
      ]);
      return found.map((row) => String(row[0]));
    },
  };
}

function hasReplacement(text: unknown): boolean {
  return typeof text === "string" && text.includes("\ufffd");
}

/** Prosody's SQL keyval store: one row per top-level key of the user's table. */
export function sqlKeyVal(scope: SqlTable): KeyValStore {
  const sql = keyvalSql(scope);
  const { engine, codec } = scope;
  return {
    caps: storeCaps(scope.caps),
    async get(user: User) {
      const where = describeObject(scope, user);
      const params = [scope.host, userColumn(user, scope.engine.dialect), scope.store];
      let found = await engine.read(`get ${where}`, sql.selectUserText, params);
      // Text that is not UTF-8 comes back with U+FFFD in it: such rows are read again as bytes.
      if (engine.dialect.byteStrings && found.some((row) => hasReplacement(row[0]) || hasReplacement(row[2]))) {
        found = await engine.read(`get ${where}`, sql.selectUser, params);
      }
      return mergeRows(found, codec, where);
    },
    async set(user: User, data: Value | undefined | null) {
      const where = describeObject(scope, user);
      // Everything is encoded before the transaction, so a value that cannot be stored leaves the old data alone.
      const encoded = data === undefined || data === null ? [] : splitRows(data, codec, engine.dialect, `[sql] ${where}`);
      const owner = userColumn(user, scope.engine.dialect);
      await engine.transaction(`set ${where}`, () => sql.replaceUser(owner, encoded), { scopes: [[scope.host, owner, scope.store]] });
    },
    async *users() {
      yield* await engine.transaction(`list users of ${scope.host}/${scope.store}`, () => sql.users());
    },
  };
}
