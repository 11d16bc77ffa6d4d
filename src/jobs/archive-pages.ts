import type { ArchiveItem, ArchiveStore, User } from "../contracts/index.js";

/** Items per page when streaming an archive: enough to amortise a query, small enough to keep memory flat. */
export const DEFAULT_PAGE_SIZE = 1000;

/**
 * A user's archive in archive order, one page at a time (`limit` + `after` the last id), so
 * that an archive of any size is never held in memory whole.
 */
export async function* archivePages(store: ArchiveStore, user: User, pageSize = DEFAULT_PAGE_SIZE): AsyncGenerator<ArchiveItem[]> {
  let after: string | undefined;
  for (;;) {
    const result = await store.find(user, after === undefined ? { limit: pageSize } : { limit: pageSize, after });
    const page: ArchiveItem[] = [];
    for await (const item of result) page.push(item);
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    after = page[page.length - 1].id;
  }
}

/** Every id in a user's archive (for a re-run, to replace items instead of duplicating them). */
export async function archiveIds(store: ArchiveStore, user: User, pageSize = DEFAULT_PAGE_SIZE): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const page of archivePages(store, user, pageSize)) for (const item of page) ids.add(item.id);
  return ids;
}
