import type { CoreManager } from "../manager/manager.js";
import type { User } from "../contracts/index.js";
import type { StoreRef } from "./discover.js";
import { compareText } from "./order.js";

/**
 * Everyone with data in a store: `null` first when there is host-wide data, then users in
 * code-unit order (so dumps and listings are stable whatever the backend's order).
 */
export async function usersOf(manager: CoreManager, ref: StoreRef): Promise<User[]> {
  const names: string[] = [];
  let hostWide: boolean;
  if (ref.type === "keyval") {
    const store = await manager.open(ref.host, ref.store);
    for await (const user of store.users()) names.push(user);
    hostWide = (await store.get(null)) !== undefined;
  } else {
    const store = await manager.open(ref.host, ref.store, "archive");
    for await (const user of store.users()) names.push(user);
    const result = await store.find(null, { limit: 1 });
    hostWide = false;
    for await (const _ of result) hostWide = true;
  }
  const unique = [...new Set(names)].sort(compareText);
  return hostWide ? [null, ...unique] : unique;
}
