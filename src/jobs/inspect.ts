import { isTable, tableSize, type Value } from "../values/index.js";
import type { User } from "../contracts/index.js";
import type { DataSource } from "./data-source.js";
import { discoverStores, type StoreRef } from "./discover.js";
import { selectStores, type Selection } from "./select.js";
import { usersOf } from "./users.js";

/**
 * One user's data in one store. Items count as `migrate` moves them: a keyval record (a user's
 * whole value in a store) is 1 item, an archive item is 1 item.
 */
export interface UserListing {
  /** `null` for host-wide data. */
  user: User;
  type: StoreRef["type"];
  items: number;
  /** Keyval only: the record's entries (top-level keys; 1 for a value that is not a table). */
  keys?: number;
}

export interface StoreListing {
  host: string;
  store: string;
  type: StoreRef["type"];
  /** Users with data, host-wide data counted as one. */
  users: number;
  items: number;
}

export interface HostListing {
  host: string;
  stores: number;
  /** Distinct users across its stores (host-wide data not counted). */
  users: number;
  items: number;
}

/** Entries of a keyval value: its top-level keys, or 1 for a value that is not a table. */
function keyvalKeys(value: Value): number {
  return isTable(value) ? tableSize(value) : 1;
}

/** Users of one store (both types when the name is used for both) with their item counts. */
export async function listUsers(source: DataSource, ref: StoreRef): Promise<UserListing[]> {
  const out: UserListing[] = [];
  for (const user of await usersOf(source.manager, ref)) {
    if (ref.type === "keyval") {
      const value = await (await source.manager.open(ref.host, ref.store)).get(user);
      if (value !== undefined) out.push({ user, type: ref.type, items: 1, keys: keyvalKeys(value) });
    } else {
      const result = await (await source.manager.open(ref.host, ref.store, "archive")).find(user, { limit: 0, total: true });
      if (result.total) out.push({ user, type: ref.type, items: result.total });
    }
  }
  return out;
}

/** Every selected store with its user and item counts. */
export async function listStores(source: DataSource, selection: Selection = {}): Promise<StoreListing[]> {
  const out: StoreListing[] = [];
  for (const ref of selectStores(await discoverStores(source), selection)) {
    const users = await listUsers(source, ref);
    if (users.length === 0) continue;
    out.push({ ...ref, users: users.length, items: users.reduce((n, u) => n + u.items, 0) });
  }
  return out;
}

/** Hosts with data, with store, user and item counts. */
export async function listHosts(source: DataSource, selection: Selection = {}): Promise<HostListing[]> {
  const hosts = new Map<string, { stores: number; users: Set<string>; items: number }>();
  for (const ref of selectStores(await discoverStores(source), selection)) {
    const users = await listUsers(source, ref);
    if (users.length === 0) continue;
    const entry = hosts.get(ref.host) ?? { stores: 0, users: new Set<string>(), items: 0 };
    entry.stores++;
    for (const u of users) {
      if (u.user !== null) entry.users.add(u.user);
      entry.items += u.items;
    }
    hosts.set(ref.host, entry);
  }
  return [...hosts].map(([host, e]) => ({ host, stores: e.stores, users: e.users.size, items: e.items }));
}

/** How a name compares when only case or Unicode compatibility forms differ (what nodeprep and nameprep fold). */
const loose = (name: string) => name.normalize("NFKC").toLowerCase();

/**
 * For a lookup that found nothing: the hosts, and users of that store, whose names differ from
 * the ones asked for only by case or preparation (`Alice` for `alice`, a full-width letter), so
 * the command line can say what was probably meant.
 */
export async function similarNames(source: DataSource, host: string, store: string, user: User): Promise<{ hosts: string[]; users: string[] }> {
  const refs = await discoverStores(source);
  const hosts = [...new Set(refs.map((ref) => ref.host))].filter((h) => h !== host && loose(h) === loose(host));
  const users = new Set<string>();
  if (user !== null) {
    for (const ref of refs) {
      if (ref.store !== store || (ref.host !== host && !hosts.includes(ref.host))) continue;
      for (const stored of await usersOf(source.manager, ref)) if (stored !== null && stored !== user && loose(stored) === loose(user)) users.add(stored);
    }
  }
  return { hosts, users: [...users] };
}
