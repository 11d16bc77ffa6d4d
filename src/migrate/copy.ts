import type { StorageManager } from "../manager/manager.js";
import type { User } from "../types.js";
import { archiveIds, archivePages } from "./archive-pages.js";
import type { StoreRef } from "./discover.js";

/** Copies one user's keyval data, replacing what the target held. Returns 1 if there was data, else 0. */
export async function copyKeyVal(from: StorageManager, to: StorageManager, ref: StoreRef, user: User): Promise<number> {
  const source = await from.open(ref.host, ref.store);
  const value = await source.get(user);
  if (value === undefined) return 0;
  const target = await to.open(ref.host, ref.store);
  await target.set(user, value);
  return 1;
}

export interface ArchiveCopyOptions {
  pageSize?: number;
  /** Told after each page is written, with the number of items in it. */
  onItems?: (count: number) => void;
}

/**
 * Copies one user's archive page by page, keeping order, ids, times and `with` (an item without
 * `with` is appended without one). Items whose id the target already holds are removed first and
 * appended again, which is what appending with an existing id means (the item moves to the end):
 * a second run leaves the target as the first one did. Returns the number of items copied.
 */
export async function copyArchive(
  from: StorageManager,
  to: StorageManager,
  ref: StoreRef,
  user: User,
  options: ArchiveCopyOptions = {},
): Promise<number> {
  const source = await from.open(ref.host, ref.store, "archive");
  const target = await to.open(ref.host, ref.store, "archive");
  const existing = await archiveIds(target, user, options.pageSize);
  let copied = 0;
  for await (const page of archivePages(source, user, options.pageSize)) {
    if (existing.size > 0) {
      const clashing = page.filter((item) => existing.has(item.id)).map((item) => item.id);
      if (clashing.length > 0) await target.delete(user, { ids: clashing });
    }
    for (const item of page) {
      await target.append(user, item.id, item.value, item.when, item.with === "" ? undefined : item.with);
    }
    copied += page.length;
    options.onItems?.(page.length);
  }
  return copied;
}
