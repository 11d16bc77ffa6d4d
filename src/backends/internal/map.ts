import { REMOVE, storeCaps, type MapStore, type Remove, type User } from "../../contracts/index.js";
import { LuaTable, copyValue, emptyDictionary, isTable, tableFromPairs, tableGet, tablePairs, type Value } from "../../values/index.js";
import { writing, type InternalContext } from "./context.js";
import { readDat, usersWith, writeDat } from "./keyval.js";

/**
 * A map store over the same `.dat` files as the keyval store: each write reads, changes and
 * replaces the user's file within the file's turn, so concurrent map writes in this process
 * never lose each other's keys (the manager's generic shim cannot promise that).
 */
export function internalMap(context: InternalContext, store: string): MapStore {
  async function update(user: User, change: (table: LuaTable) => boolean): Promise<void> {
    const file = context.layout.file(store, user, "dat");
    await writing(context, file, async () => {
      const current = await readDat(context, store, user);
      const table = new LuaTable(current !== undefined && isTable(current) ? tablePairs(current) : []);
      if (!change(table)) return;
      await writeDat(context, store, user, table.size === 0 ? undefined : tableFromPairs(table));
    }, false);
  }

  async function lookup(user: User, key: string): Promise<Value | undefined> {
    const data = await readDat(context, store, user);
    return data !== undefined && isTable(data) ? tableGet(data, key) : undefined;
  }

  return {
    caps: storeCaps(context.caps, true),
    remove: REMOVE,
    get: (user, key) => lookup(user, key),
    set: (user, key, value) =>
      update(user, (table) => {
        table.set(key, value ?? undefined);
        return true;
      }),
    setKeys: (user, values: Record<string, Value | Remove>) =>
      update(user, (table) => {
        for (const [key, value] of Object.entries(values)) table.set(key, value === REMOVE ? undefined : value);
        return true;
      }),
    async getAll(key) {
      const found = emptyDictionary<Value>();
      let any = false;
      for await (const user of usersWith(context, store, ".dat")) {
        const value = await lookup(user, key);
        if (value !== undefined) {
          found[user] = copyValue(value);
          any = true;
        }
      }
      return any ? found : undefined;
    },
    async deleteAll(key) {
      const users: User[] = [null];
      for await (const user of usersWith(context, store, ".dat")) users.push(user);
      await Promise.all(users.map((user) => update(user, (table) => table.delete(key))));
    },
  };
}
