import type { Element } from "ltx";
import type { ArchiveItem } from "../contracts/index.js";
import { collect, nowSeconds, type StoreScope } from "./common.js";
import { storedUsername } from "./jid.js";
import { checkElement } from "./stanza-table.js";

const STORE = "offline";

/**
 * Messages held for offline users, as mod_offline keeps them: an archive store `offline`
 * with `with = ""` and the arrival time in whole seconds.
 */
export interface OfflineStore {
  /** Holds a `<message/>` for `user`; returns its id. */
  store(user: string, message: Element, when?: number): Promise<string>;
  /** The held messages, oldest first. */
  list(user: string): Promise<ArchiveItem[]>;
  count(user: string): Promise<number>;
  /** Returns the held messages and deletes them, as delivery on login does. */
  take(user: string): Promise<ArchiveItem[]>;
  clear(user: string): Promise<void>;
}

export function offlineStore(scope: StoreScope): OfflineStore {
  const archive = () => scope.sm.open(scope.host, STORE, "archive");
  const list = async (user: string) => collect(await (await archive()).find(storedUsername(user)));
  return {
    async store(user, message, when) {
      checkElement(message, "message", undefined, `[${STORE}] offline message`);
      return (await archive()).append(storedUsername(user), null, message, when ?? nowSeconds(), "");
    },
    list,
    async count(user) {
      const result = await (await archive()).find(storedUsername(user), { limit: 0, total: true });
      return result.total ?? (await list(user)).length;
    },
    async take(user) {
      const items = await list(user);
      const store = await archive();
      // Delete only what was read, so a message arriving meanwhile is not lost; a backend
      // without id queries clears the archive, as mod_offline always does.
      if (items.length && store.caps.ids) await store.delete(storedUsername(user), { ids: items.map((item) => item.id) });
      else if (items.length) await store.delete(storedUsername(user));
      return items;
    },
    async clear(user) {
      await (await archive()).delete(storedUsername(user));
    },
  };
}
