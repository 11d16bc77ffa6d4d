import { isTable, tableSize } from "../values/index.js";
import type { DataSource } from "./data-source.js";
import { discoverStores, type StoreRef } from "./discover.js";

/** What one store holds for one user: keyval entries (top-level keys) or archive items. */
export interface UserStoreData {
  store: string;
  type: StoreRef["type"];
  /** The backend the host's configuration uses for this store (`internal`, `sql`, …). */
  backend: string;
  items: number;
}

/**
 * Every store of `host` that holds something for `user`, in every backend the host uses, found
 * by discovering the stores and asking each one about this user only.
 */
export async function userData(source: DataSource, host: string, user: string): Promise<UserStoreData[]> {
  const out: UserStoreData[] = [];
  for (const ref of await discoverStores(source)) {
    if (ref.host !== host) continue;
    const backend = source.manager.config.backendFor(host, ref.store);
    if (ref.type === "keyval") {
      const value = await (await source.manager.open(host, ref.store)).get(user);
      if (value !== undefined) out.push({ store: ref.store, type: ref.type, backend, items: isTable(value) ? tableSize(value) : 1 });
    } else {
      const found = await (await source.manager.open(host, ref.store, "archive")).find(user, { limit: 0, total: true });
      if (found.total) out.push({ store: ref.store, type: ref.type, backend, items: found.total });
    }
  }
  return out;
}
