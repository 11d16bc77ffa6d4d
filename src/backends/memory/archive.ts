import { storageError } from "../../errors.js";
import { normalizeValue } from "../../values/index.js";
import { mediumId } from "../../archive/ids.js";
import { recordsToDelete, selectRecords, summarize, type ArchiveRecord } from "../../archive/query.js";
import type { ArchiveItem, ArchiveStore, User } from "../../contracts/index.js";
import { HOST_WIDE } from "./keyval.js";
import type { Element } from "ltx";

/** One user's archive: items in archive order, and their positions by id. */
class ItemList {
  items: ArchiveRecord[] = [];
  positions = new Map<string, number>();

  reindex(): void {
    this.positions.clear();
    this.items.forEach((item, i) => this.positions.set(item.key, i));
  }

  positionOf = (id: string): number => this.positions.get(id) ?? -1;
}

export type ArchiveData = Map<string, ItemList>;

function toItem(record: ArchiveRecord): ArchiveItem {
  return { id: record.key, value: normalizeValue(record.value) as Element, when: record.when, with: record.with ?? "" };
}

/** Archives held in memory, with Prosody's memory-backend quota (1000 items unless configured). */
export function memoryArchive(data: ArchiveData, quota: number): ArchiveStore {
  const listOf = (user: User) => data.get(user ?? HOST_WIDE);
  return {
    caps: { total: true, quota, truncate: true, fullIdRange: true, ids: true, wildcardDelete: true },

    async append(user, key, value, when, with_) {
      let list = listOf(user);
      if (!list) data.set(user ?? HOST_WIDE, (list = new ItemList()));
      const id = key ?? mediumId();
      const existing = list.positions.get(id);
      if (existing === undefined && list.items.length >= quota) {
        throw storageError("quota-limit", `archive of ${user ?? "(host)"} holds ${quota} items, its limit`, { backend: "memory" });
      }
      if (existing !== undefined) {
        list.items.splice(existing, 1);
        list.reindex();
      }
      const record: ArchiveRecord = { key: id, when: when ?? Math.floor(Date.now() / 1000), value };
      if (with_ !== undefined) record.with = with_;
      list.positions.set(id, list.items.length);
      list.items.push(record);
      return id;
    },

    async find(user, query = {}) {
      const list = listOf(user) ?? new ItemList();
      const { selected, total } = selectRecords(list.items, query, list.positionOf);
      const snapshot = selected.slice();
      const result = {
        async *[Symbol.asyncIterator]() {
          for (const record of snapshot) yield toItem(record);
        },
      };
      return total === undefined ? result : Object.assign(result, { total });
    },

    async delete(user, query = {}) {
      const lists = user === true ? [...data.values()] : [listOf(user)].filter((l): l is ItemList => l !== undefined);
      let removed = 0;
      for (const list of lists) {
        const doomed = new Set(recordsToDelete(list.items, query, list.positionOf));
        if (doomed.size === 0) continue;
        list.items = list.items.filter((item) => !doomed.has(item));
        list.reindex();
        removed += doomed.size;
      }
      for (const [owner, list] of data) if (list.items.length === 0) data.delete(owner);
      return removed;
    },

    async get(user, id) {
      const list = listOf(user);
      const at = list?.positions.get(id);
      if (list === undefined || at === undefined) return undefined;
      const { value, when, with: with_ } = toItem(list.items[at]);
      return { value, when, with: with_ };
    },

    async set(user, id, value, when, with_) {
      const list = listOf(user);
      const at = list?.positions.get(id);
      if (list === undefined || at === undefined) return false;
      const record = list.items[at];
      list.items[at] = { ...record, value, when: when ?? record.when, ...(with_ !== undefined ? { with: with_ } : {}) };
      return true;
    },

    async summary(user, query = {}) {
      const list = listOf(user) ?? new ItemList();
      const { selected } = selectRecords(list.items, query, list.positionOf);
      return summarize(query.reverse ? selected.reverse() : selected);
    },

    async *users() {
      for (const [owner, list] of [...data]) if (owner !== HOST_WIDE && list.items.length > 0) yield owner;
    },
  };
}

export { ItemList };
