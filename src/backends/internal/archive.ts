import type { Element } from "ltx";
import { summarize } from "../../archive/query.js";
import { storageError } from "../../errors.js";
import type { ArchiveDeleteQuery, ArchiveItem, ArchiveQuery, ArchiveResult, ArchiveStore, User } from "../../contracts/index.js";
import { decodeListItem, encodeListItem } from "./codec.js";
import { beforeRewrite, checkParents, writing, type InternalContext } from "./context.js";
import { removeFile } from "./files.js";
import { usersWith } from "./keyval.js";
import { closeList, openList, readItemBytes, type OpenList } from "./list-file.js";
import { selectPositions } from "./list-query.js";
import { appendItem, lidxPathOf, rewriteList } from "./list-write.js";

/** An item found by a query: its index fields and its stored bytes, decoded on demand. */
interface FoundItem {
  key: string;
  when: number;
  with?: string;
  bytes: Buffer;
}

function isEmptyQuery(query: ArchiveDeleteQuery): boolean {
  return Object.keys(query).length === 0;
}

/**
 * Prosody's internal archive store: one `.list` file per user, items appended as `item(...)`
 * Lua calls. An index per file (ids, times, `with`, byte offsets) answers queries, so a page
 * reads only its own items; it is checked against the file on each use and rebuilt when
 * another process (Prosody) changed the file.
 */
export function internalArchive(context: InternalContext, store: string): ArchiveStore {
  const { layout, indexes, durable, quota, newId, keepLidx, owner } = context;
  const fileOf = (user: User) => layout.file(store, user, "list");

  /** Lists found with a torn last item, told to the logger once each. */
  const tornSeen = new Set<string>();

  /** Runs `fn` on the user's list in the file's turn (reads too: the index is shared). */
  async function withList<T>(user: User, create: boolean, fn: (list: OpenList) => Promise<T>): Promise<T> {
    const file = fileOf(user);
    const run = async () => {
      const list = await openList(file, indexes, create, durable, owner);
      if (!create && list.index.tornBytes > 0 && !tornSeen.has(file)) {
        tornSeen.add(file);
        context.logger.warn(`[internal] ${file}: the last ${list.index.tornBytes} bytes are a torn item (an interrupted write); it is skipped`);
      }
      try {
        return await fn(list);
      } finally {
        closeList(list);
      }
    };
    if (create) return writing(context, file, run);
    return context.mutex.run(file, async () => {
      checkParents(context, file, false);
      return run();
    });
  }

  /** The selected items' index fields and bytes, read while the file is held. */
  async function found(list: OpenList, positions: readonly number[]): Promise<FoundItem[]> {
    const bytes = readItemBytes(list, positions);
    const { keys, whens, withs } = list.index;
    return positions.map((i, k) => ({ key: keys[i], when: whens[i], with: withs[i], bytes: bytes[k] }));
  }

  function decode(item: FoundItem, file: string): Element {
    return decodeListItem(item.bytes, file);
  }

  function positionsToDelete(list: OpenList, query: ArchiveDeleteQuery): number[] {
    const { truncate, limit, reverse, ...filters } = query;
    if (truncate === undefined) return selectPositions(list.index, { ...filters, reverse, limit }).positions;
    return selectPositions(list.index, { ...filters, reverse: !reverse }).positions.slice(truncate);
  }

  return {
    caps: { total: true, quota, truncate: true, fullIdRange: true, ids: true },

    async append(user, key, value, when, with_) {
      const id = key ?? newId();
      // Encoded before the file is touched, so a value that cannot be written leaves no trace.
      const item = { bytes: encodeListItem(value, id, when!, with_), key: id, when: when!, with: with_ };
      return withList(user, true, async (list) => {
        const at = list.index.positionOf(id);
        if (at < 0 && list.index.length >= quota) {
          if (list.index.length === 0) await removeFile(list.path, durable);
          throw storageError("quota-limit", `${list.path} holds ${list.index.length} items, the limit (storage_archive_item_limit)`, { backend: "internal" });
        }
        if (at < 0) await appendItem(list, item, indexes, durable, keepLidx, owner);
        else {
          // As Prosody: the old item goes, the new one is added at the end (a whole rewrite).
          const plan = list.index.keys.map((_, i) => i).filter((i) => i !== at);
          await rewriteList(list, [...plan, item], indexes, durable, keepLidx, owner);
        }
        return id;
      });
    },

    async find(user, query: ArchiveQuery = {}) {
      const file = fileOf(user);
      const { items, total } = await withList(user, false, async (list) => {
        const selection = selectPositions(list.index, query);
        return { items: await found(list, selection.positions), total: selection.total };
      });
      const result: ArchiveResult = {
        async *[Symbol.asyncIterator](): AsyncGenerator<ArchiveItem> {
          for (const item of items) yield { id: item.key, value: decode(item, file), when: item.when, with: item.with ?? "" };
        },
      };
      if (total !== undefined) result.total = total;
      return result;
    },

    async get(user, id) {
      const file = fileOf(user);
      const [item] = await withList(user, false, async (list) => found(list, selectPositions(list.index, { key: id }).positions));
      if (!item) return undefined;
      return { value: decode(item, file), when: item.when, with: item.with ?? "" };
    },

    set: (user, id, value, when, with_) =>
      withList(user, false, async (list) => {
        const at = list.index.positionOf(id);
        if (at < 0) return false;
        const newWhen = when ?? list.index.whens[at];
        const newWith = with_ ?? list.index.withs[at];
        const item = { bytes: encodeListItem(value, id, newWhen, newWith), key: id, when: newWhen, with: newWith };
        const plan = list.index.keys.map((_, i) => (i === at ? item : i));
        await beforeRewrite(context, list.path);
        await rewriteList(list, plan, indexes, durable, keepLidx, owner);
        return true;
      }),

    async delete(user, query: ArchiveDeleteQuery = {}) {
      if (user === true) throw storageError("unsupported-store", "archives cannot be deleted for all users at once", { backend: "internal" });
      if (isEmptyQuery(query)) {
        const file = fileOf(user);
        await writing(
          context,
          file,
          async () => {
            await removeFile(lidxPathOf(file), durable);
            await removeFile(file, durable);
            indexes.delete(file);
          },
          false,
        );
        return true;
      }
      return withList(user, false, async (list) => {
        if (list.fd === undefined) return 0;
        const doomed = new Set(positionsToDelete(list, query));
        if (doomed.size === 0) return 0;
        await beforeRewrite(context, list.path);
        const plan = list.index.keys.map((_, i) => i).filter((i) => !doomed.has(i));
        await rewriteList(list, plan, indexes, durable, keepLidx, owner);
        return doomed.size;
      });
    },

    async summary(user, query: ArchiveQuery = {}) {
      const file = fileOf(user);
      const items = await withList(user, false, async (list) => found(list, selectPositions(list.index, query).positions));
      if (query.reverse) items.reverse();
      return summarize(items.map((item) => ({ when: item.when, with: item.with, value: decode(item, file) })));
    },

    users: () => usersWith(context, store, ".list"),
  };
}
