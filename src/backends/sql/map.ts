import { emptyDictionary, isTable, LuaTable, tableFromPairs, tableGet, tablePairs, type Value } from "../../values/index.js";
import { REMOVE, storeCaps, type KeyValPlusStore, type MapStore, type Remove, type User } from "../../contracts/index.js";
import { rows, run, type Param, type Work } from "./connection.js";
import { EXTRA_KEY, hasOwnRow } from "./keyval-rows.js";
import { keyvalSql, sqlKeyVal } from "./keyval.js";
import { describeObject, userColumn, type SqlTable } from "./scope.js";
import type { EncodedValue } from "./values.js";

/**
 * Prosody's SQL map store over the keyval rows: a string key is its own row; other keys (and
 * keys the column cannot hold) live in the extra row `""`, which is read, changed and rewritten.
 */
export function sqlMap(scope: SqlTable): MapStore {
  const { engine, codec, host, store } = scope;
  const { dialect } = engine;
  const sql = keyvalSql(scope);
  const value = dialect.readValue('"value"');
  const selectKeys = `SELECT ${dialect.readValue('"key"')}, "type", ${value} FROM "prosody" WHERE "host" = ? AND "user" = ? AND "store" = ? AND "key" IN (?, '')`;
  const selectExtra = `SELECT "type", ${value} FROM "prosody" WHERE "host" = ? AND "user" = ? AND "store" = ? AND "key" = ''`;
  const deleteKey = `DELETE FROM "prosody" WHERE "host" = ? AND "user" = ? AND "store" = ? AND "key" = ?`;

  function* readExtra(user: string, where: string): Work<LuaTable> {
    const found = yield* rows(selectExtra, [host, user, store]);
    const table = new LuaTable();
    for (const [type, raw] of found) {
      const extra = codec.decode(type, raw, `${where}[extra]`);
      if (isTable(extra)) for (const [k, v] of tablePairs(extra)) table.set(k, v);
    }
    return table;
  }

  function* writeExtra(user: string, table: LuaTable, where: string): Work<void> {
    yield* run(deleteKey, [host, user, store, EXTRA_KEY]);
    if (table.size > 0) yield* sql.insertRow(user, EXTRA_KEY, codec.encode(tableFromPairs(table), `${where}[extra]`));
  }

  function* setKeys(user: string, changes: Array<[string, EncodedValue | Value | Remove]>, where: string): Work<void> {
    const extra = yield* readExtra(user, where);
    const before = extra.size;
    let extraChanged = false;
    for (const [key, change] of changes) {
      if (hasOwnRow(key, dialect)) {
        if (change !== REMOVE && scope.upsert) yield* sql.upsertRow(user, key, change as EncodedValue);
        else {
          yield* run(deleteKey, [host, user, store, key]);
          if (change !== REMOVE) yield* sql.insertRow(user, key, change as EncodedValue);
        }
        // A key written by a whole-table set may sit in the extra row (a `false`); it moves out.
        if (extra.delete(key)) extraChanged = true;
      } else {
        extra.set(key, change === REMOVE ? undefined : (change as Value));
        extraChanged = true;
      }
    }
    if (extraChanged || extra.size !== before) yield* writeExtra(user, extra, where);
  }

  /** The "user" column of a row found across users (NULL fails naming the store). */
  const rowUser = (column: unknown, where: string): string => String(codec.text(column, `${where} (a row)`, "user"));

  function* scanExtras(where: string, includeHostWide: boolean): Work<Array<[string, LuaTable]>> {
    const found = yield* rows(`SELECT "user", "type", ${value} FROM "prosody" WHERE "host" = ? AND "store" = ? AND "key" = ''`, [host, store]);
    const out: Array<[string, LuaTable]> = [];
    for (const [column, type, raw] of found) {
      const user = rowUser(column, where);
      if (!includeHostWide && user === "") continue;
      const extra = codec.decode(type, raw, `${user}@${where}[extra]`);
      if (isTable(extra)) out.push([user, new LuaTable(tablePairs(extra))]);
    }
    return out;
  }

  return {
    caps: storeCaps(scope.caps, true),
    remove: REMOVE,
    async get(user, key) {
      const where = describeObject(scope, user);
      const found = await engine.read(`get ${where}`, selectKeys, [host, userColumn(user, dialect), store, hasOwnRow(key, dialect) ? key : EXTRA_KEY]);
      const names = found.map((row) => codec.text(row[0], `${where} (a row)`, "key"));
      const own = hasOwnRow(key, dialect) ? found.find((_row, i) => names[i] === key) : undefined;
      if (own) return codec.decode(own[1], own[2], `${where}[${JSON.stringify(key)}]`);
      const extraRow = found.find((_row, i) => names[i] === EXTRA_KEY);
      if (!extraRow) return undefined;
      const extra = codec.decode(extraRow[1], extraRow[2], `${where}[extra]`);
      return isTable(extra) ? tableGet(extra, key) : undefined;
    },
    async set(user, key, data) {
      await this.setKeys(user, { [key]: data === undefined || data === null ? REMOVE : data });
    },
    async setKeys(user, values) {
      const where = describeObject(scope, user);
      // Own rows are encoded before the transaction so that nothing is written when one value cannot be.
      const changes: Array<[string, EncodedValue | Value | Remove]> = Object.entries(values).map(([key, change]) => [
        key,
        change === REMOVE || !hasOwnRow(key, dialect) ? change : codec.encode(change, `[sql] ${where}[${JSON.stringify(key)}]`),
      ]);
      const owner = userColumn(user, dialect);
      await engine.transaction(`set keys of ${where}`, () => setKeys(owner, changes, where), { scopes: [[host, owner, store]] });
    },
    async getAll(key) {
      const where = `${host}/${store}`;
      const own = hasOwnRow(key, dialect);
      const [found, extras] = await engine.transaction(`get ${JSON.stringify(key)} of all users of ${where}`, function* () {
        const ownRows = own
          ? yield* rows(`SELECT "user", "type", ${value} FROM "prosody" WHERE "host" = ? AND "store" = ? AND "key" = ? AND "user" <> ''`, [
              host,
              store,
              key,
            ] as Param[])
          : [];
        return [ownRows, yield* scanExtras(where, false)] as const;
      });
      const result = emptyDictionary<Value>();
      let any = false;
      for (const [user, table] of extras) {
        const item = table.get(key);
        if (item !== undefined) [result[user], any] = [item, true];
      }
      for (const [column, type, raw] of found) {
        const user = rowUser(column, where);
        [result[user], any] = [codec.decode(type, raw, `${user}@${where}[${JSON.stringify(key)}]`), true];
      }
      return any ? result : undefined;
    },
    async deleteAll(key) {
      const where = `${host}/${store}`;
      // The users whose extra row holds the key are found first, so that each takes its turn
      // (see turns.ts) before its extra row is read again and rewritten.
      const holders = (await engine.transaction(`find ${JSON.stringify(key)} in ${where}`, () => scanExtras(where, true)))
        .filter(([, table]) => table.get(key) !== undefined)
        .map(([user]) => user);
      await engine.transaction(
        `delete ${JSON.stringify(key)} of all users of ${where}`,
        function* () {
          if (hasOwnRow(key, dialect)) yield* run(`DELETE FROM "prosody" WHERE "host" = ? AND "store" = ? AND "key" = ?`, [host, store, key]);
          for (const user of holders) {
            const extra = yield* readExtra(user, `${user}@${where}`);
            if (extra.delete(key)) yield* writeExtra(user, extra, `${user}@${where}`);
          }
        },
        { write: true, scopes: holders.map((user) => [host, user, store] as const) },
      );
    },
  };
}

/** Prosody's keyval+ over the same rows: the keyval store plus key-by-key access. */
export function sqlKeyValPlus(scope: SqlTable): KeyValPlusStore {
  const keyval = sqlKeyVal(scope);
  const map = sqlMap(scope);
  return {
    caps: storeCaps(scope.caps, true),
    remove: REMOVE,
    get: (user: User) => keyval.get(user),
    set: (user, data) => keyval.set(user, data),
    items: () => keyval.users(),
    getKey: (user, key) => map.get(user, key),
    setKey: (user, key, data) => map.set(user, key, data),
    setKeys: (user, values) => map.setKeys(user, values),
    getKeyFromAll: (key) => map.getAll(key),
    deleteKeyFromAll: (key) => map.deleteAll(key),
  };
}
