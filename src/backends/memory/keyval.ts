import { copyValue, emptyDictionary, isTable, tableFromPairs, tableGet, tablePairs, LuaTable, type Value } from "../../values/index.js";
import { REMOVE, storeCaps, type BackendCaps, type KeyValStore, type MapStore, type Remove, type User } from "../../contracts/index.js";

/** Host-wide data is kept under a key no user name can be (the manager rejects `""`). */
export const HOST_WIDE = "";

export type KeyValData = Map<string, Value>;

function slot(user: User): string {
  return user ?? HOST_WIDE;
}

/** Everything stays in this process, and any string is kept as it is. */
export const MEMORY_CAPS: BackendCaps = { stores: ["keyval", "map", "archive"], persistent: false, byteStrings: true };

export function memoryKeyVal(data: KeyValData): KeyValStore {
  return {
    caps: storeCaps(MEMORY_CAPS),
    async get(user) {
      const value = data.get(slot(user));
      return value === undefined ? undefined : copyValue(value);
    },
    async set(user, value) {
      // The manager has already copied `value`; keeping it shares nothing with the caller.
      if (value === undefined || value === null) data.delete(slot(user));
      else data.set(slot(user), value);
    },
    async *users() {
      for (const user of [...data.keys()]) if (user !== HOST_WIDE) yield user;
    },
  };
}

/** A native map store over the same data as the keyval store of that name. */
export function memoryMap(data: KeyValData): MapStore {
  function update(user: User, change: (table: LuaTable) => void): void {
    const current = data.get(slot(user));
    const table = new LuaTable(current !== undefined && isTable(current) ? tablePairs(current) : []);
    change(table);
    if (table.size === 0) data.delete(slot(user));
    else data.set(slot(user), tableFromPairs(table));
  }
  function lookup(user: User, key: string): Value | undefined {
    const current = data.get(slot(user));
    return current !== undefined && isTable(current) ? tableGet(current, key) : undefined;
  }
  return {
    caps: storeCaps(MEMORY_CAPS, true),
    remove: REMOVE,
    async get(user, key) {
      const value = lookup(user, key);
      return value === undefined ? undefined : copyValue(value);
    },
    async set(user, key, value) {
      update(user, (table) => table.set(key, value));
    },
    async setKeys(user, values: Record<string, Value | Remove>) {
      update(user, (table) => {
        for (const [key, value] of Object.entries(values)) table.set(key, value === REMOVE ? undefined : value);
      });
    },
    async getAll(key) {
      const found = emptyDictionary<Value>();
      let any = false;
      for (const user of data.keys()) {
        if (user === HOST_WIDE) continue;
        const value = lookup(user, key);
        if (value !== undefined) {
          found[user] = copyValue(value);
          any = true;
        }
      }
      return any ? found : undefined;
    },
    async deleteAll(key) {
      for (const user of [...data.keys()]) update(user === HOST_WIDE ? null : user, (table) => table.delete(key));
    },
  };
}
