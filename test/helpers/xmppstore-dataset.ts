/**
 * The xmppstore side of the real-Prosody data set (prosody-dataset.ts): read every place of it
 * through a StorageManager, or write it the way Prosody's modules write it (map stores key by
 * key, archive items with their ids, times and contacts).
 */
import { StorageManager } from "../../src/stores/storage-manager.js";
import { tablePairs, type Value } from "../../src/values/index.js";
import { collect } from "../conformance/context.js";
import type { DatasetItem, ProsodyDataset } from "./prosody-dataset-data.js";

/** What xmppstore reads at every place of the expected data set. */
export async function readDatasetWithXmppstore(sm: StorageManager, expected: ProsodyDataset): Promise<ProsodyDataset> {
  const result: ProsodyDataset = { hosts: expected.hosts, keyval: [], archive: [] };
  for (const { host, store, user } of expected.keyval) {
    const value = await (await sm.open(host, store)).get(user);
    if (value !== undefined) result.keyval.push({ host, store, user, value });
  }
  for (const { host, store, user } of expected.archive) {
    const found = await collect(await (await sm.open(host, store, "archive")).find(user));
    const items = found.map((item): DatasetItem => ({ id: item.id, value: item.value, when: item.when, with: item.with }));
    result.archive.push({ host, store, user, items });
  }
  return result;
}

/** Writes the data set through xmppstore the way Prosody's modules write it. */
export async function writeDatasetWithXmppstore(sm: StorageManager, dataset: ProsodyDataset): Promise<void> {
  for (const entry of dataset.keyval) {
    if (entry.via === "map") {
      const map = await sm.open(entry.host, entry.store, "map");
      for (const [key, value] of tablePairs(entry.value as never)) await map.set(entry.user, key as string, value as Value);
    } else {
      await (await sm.open(entry.host, entry.store)).set(entry.user, entry.value);
    }
  }
  for (const archive of dataset.archive) {
    const store = await sm.open(archive.host, archive.store, "archive");
    for (const item of archive.items) {
      const with_ = archive.nilWith && item.with === "" ? undefined : item.with;
      await store.append(archive.user, item.id, item.value, item.when, with_);
    }
  }
}
