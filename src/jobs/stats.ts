import { encodeDumpValue } from "../format/dump/index.js";
import type { User } from "../contracts/index.js";
import { archivePages } from "./archive-pages.js";
import type { DataSource } from "./data-source.js";
import { discoverStores } from "./discover.js";
import { dumpItem } from "./dump.js";
import { listUsers } from "./inspect.js";
import type { MigrationProgress } from "./migrate.js";
import { selectStores, type Selection } from "./select.js";

/** How many of a host's largest archives (store and user) the statistics name. */
export const LARGEST_ARCHIVES = 10;

export interface StoreStats {
  store: string;
  type: "keyval" | "archive";
  users: number;
  /** Keyval records, or archive items. */
  items: number;
  /** UTF-8 bytes of the data in the canonical dump's encoding (compact JSON): the same on every backend. */
  bytes: number;
  /** Archives: the oldest and newest item's time (Unix seconds). */
  oldest?: number;
  newest?: number;
}

export interface ArchiveSize {
  store: string;
  /** `null` for host-wide archives (PubSub nodes). */
  user: User;
  items: number;
  bytes: number;
}

export interface HostStats {
  host: string;
  /** Accounts in the `accounts` store. */
  accounts: number;
  /** Distinct users with any data (host-wide data not counted). */
  users: number;
  stores: StoreStats[];
  items: number;
  bytes: number;
  /** The largest archives by item count, largest first. */
  largest: ArchiveSize[];
}

export interface StatsOptions {
  selection?: Selection;
  progress?: Pick<MigrationProgress, "planned" | "moved">;
}

/** Bytes of a dump encoding as compact JSON. */
const bytesOf = (json: unknown) => Buffer.byteLength(JSON.stringify(json), "utf8");

/**
 * Reads every selected store once and reports, per host: accounts, users, stores, items and
 * bytes, the largest archives, and each archive store's oldest and newest item.
 */
export async function stats(source: DataSource, options: StatsOptions = {}): Promise<HostStats[]> {
  const refs = selectStores(await discoverStores(source), options.selection);
  const listed = [];
  for (const ref of refs) listed.push({ ref, users: await listUsers(source, ref) });
  const planned = listed.reduce((n, l) => n + l.users.reduce((m, u) => m + u.items, 0), 0);
  options.progress?.planned?.({ units: listed.reduce((n, l) => n + l.users.length, 0), items: planned });

  const hosts = new Map<string, HostStats & { names: Set<string> }>();
  for (const { ref, users } of listed) {
    if (users.length === 0) continue;
    let host = hosts.get(ref.host);
    if (!host) hosts.set(ref.host, (host = { host: ref.host, accounts: 0, users: 0, stores: [], items: 0, bytes: 0, largest: [], names: new Set() }));
    const store: StoreStats = { store: ref.store, type: ref.type, users: users.length, items: 0, bytes: 0 };
    for (const { user } of users) {
      if (user !== null) host.names.add(user);
      if (ref.type === "keyval") {
        const value = await (await source.manager.open(ref.host, ref.store)).get(user);
        if (value === undefined) continue;
        store.items++;
        store.bytes += bytesOf(encodeDumpValue(value));
        options.progress?.moved?.(1);
        continue;
      }
      const archive = await source.manager.open(ref.host, ref.store, "archive");
      const size: ArchiveSize = { store: ref.store, user, items: 0, bytes: 0 };
      for await (const page of archivePages(archive, user)) {
        for (const item of page) {
          size.items++;
          size.bytes += bytesOf(dumpItem(item));
          if (store.oldest === undefined || item.when < store.oldest) store.oldest = item.when;
          if (store.newest === undefined || item.when > store.newest) store.newest = item.when;
        }
        options.progress?.moved?.(page.length);
      }
      store.items += size.items;
      store.bytes += size.bytes;
      host.largest.push(size);
    }
    if (ref.store === "accounts" && ref.type === "keyval") host.accounts = store.items;
    host.stores.push(store);
    host.items += store.items;
    host.bytes += store.bytes;
  }
  return [...hosts.values()].map(({ names, largest, ...host }) => ({
    ...host,
    users: names.size,
    largest: largest.sort((a, b) => b.items - a.items || b.bytes - a.bytes).slice(0, LARGEST_ARCHIVES),
  }));
}
