import type { DataSource } from "./data-source.js";
import { discoverStores, type StoreRef } from "./discover.js";
import { requireMatches, selectStores, type Selection } from "./select.js";

/**
 * The stores of a target that `migrate --replace` clears: on the hosts being migrated (those
 * named, else those the source holds), the stores named, else every store the target holds
 * there, so the target ends up with exactly the source's data for them; other hosts are kept.
 */
export async function storesToReplace(from: DataSource, to: DataSource, selection: Selection): Promise<StoreRef[]> {
  // A --host or --store the source does not hold fails here, before anything is cleared.
  const inSource = await discoverStores(from);
  requireMatches(inSource, selection, from.label);
  const held = await discoverStores(to);
  // Only the hosts being migrated: those named, else those the source holds.
  const hosts = selection.hosts?.length ? selection.hosts : [...new Set(inSource.map((ref) => ref.host))];
  return selectStores(held, { ...selection, hosts });
}

/** Deletes everything a target holds in these stores: every user's data and the host-wide data. */
export async function clearStores(to: DataSource, refs: readonly StoreRef[]): Promise<void> {
  for (const ref of refs) {
    if (ref.type === "archive") {
      const archive = await to.manager.open(ref.host, ref.store, "archive");
      if (archive.caps.wildcardDelete) {
        await archive.delete(true);
      } else {
        // Listed first: deleting while the listing is read could skip users.
        const users: string[] = [];
        for await (const user of archive.users()) users.push(user);
        for (const user of users) await archive.delete(user);
      }
      await archive.delete(null);
    } else {
      const keyval = await to.manager.open(ref.host, ref.store);
      const users: string[] = [];
      for await (const user of keyval.users()) users.push(user);
      for (const user of users) await keyval.set(user, undefined);
      await keyval.set(null, undefined);
    }
  }
}
