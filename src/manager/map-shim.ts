import { LuaTable, emptyDictionary, isTable, tableFromPairs, tableGet, tablePairs, type Value } from "../values/index.js";
import { REMOVE, storeCaps, type KeyValCaps, type KeyValPlusStore, type KeyValStore, type MapStore, type Remove, type User } from "../contracts/index.js";

function asTable(data: Value | undefined): LuaTable {
  return new LuaTable(data !== undefined && isTable(data) ? tablePairs(data) : []);
}

function stored(table: LuaTable): Value | undefined {
  return table.size === 0 ? undefined : tableFromPairs(table);
}

/**
 * A map store over a keyval store, for backends without native map support (as Prosody's
 * storagemanager does): every write reads, changes and rewrites the user's whole value, which
 * its caps say (`native: false`). `keyvalCaps` stands in for a plugin store's missing caps.
 */
export function mapOverKeyVal(keyval: KeyValStore, keyvalCaps: KeyValCaps = keyval.caps): MapStore {
  async function update(user: User, change: (table: LuaTable) => void): Promise<void> {
    const table = asTable(await keyval.get(user));
    change(table);
    await keyval.set(user, stored(table));
  }

  return {
    caps: storeCaps(keyvalCaps, false),
    remove: REMOVE,
    async get(user, key) {
      const data = await keyval.get(user);
      return data !== undefined && isTable(data) ? tableGet(data, key) : undefined;
    },
    set: (user, key, value) => update(user, (table) => table.set(key, value)),
    setKeys: (user, values: Record<string, Value | Remove>) =>
      update(user, (table) => {
        for (const [key, value] of Object.entries(values)) table.set(key, value === REMOVE ? undefined : value);
      }),
    async getAll(key) {
      const found = emptyDictionary<Value>();
      let any = false;
      for await (const user of keyval.users()) {
        const value = await this.get(user, key);
        if (value !== undefined) {
          found[user] = value;
          any = true;
        }
      }
      return any ? found : undefined;
    },
    async deleteAll(key) {
      const users: string[] = [];
      for await (const user of keyval.users()) users.push(user);
      for (const user of users) {
        const data = await keyval.get(user);
        if (data !== undefined && isTable(data) && tableGet(data, key) !== undefined) {
          await update(user, (table) => table.delete(key));
        }
      }
    },
  };
}

/**
 * Prosody's "keyval+" composed from a keyval store and a map store over the same data (so not
 * native, whatever the map is). `keyvalCaps` stands in for a plugin store's missing caps.
 */
export function keyValPlus(keyval: KeyValStore, map: MapStore, keyvalCaps: KeyValCaps = keyval.caps): KeyValPlusStore {
  return {
    caps: storeCaps(keyvalCaps, false),
    remove: REMOVE,
    get: (user: User) => keyval.get(user),
    set: (user: User, data: Value | undefined | null) => keyval.set(user, data),
    items: () => keyval.users(),
    getKey: (user: User, key: string) => map.get(user, key),
    setKey: (user: User, key: string, value: Value | undefined | null) => map.set(user, key, value),
    setKeys: (user: User, values: Record<string, Value | Remove>) => map.setKeys(user, values),
    getKeyFromAll: (key: string) => map.getAll(key),
    deleteKeyFromAll: (key: string) => map.deleteAll(key),
  };
}
