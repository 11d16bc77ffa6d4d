import { Element } from "ltx";
import { StorageManager } from "../../src/stores/storage-manager.js";
import type { StorageConfig } from "../../src/contracts/index.js";
import { LuaTable, valuesEqual, type Value } from "../../src/values/index.js";
import type { DataSource } from "../../src/jobs/data-source.js";
import { discoverStores } from "../../src/jobs/discover.js";
import { usersOf } from "../../src/jobs/users.js";
import { archivePages } from "../../src/jobs/archive-pages.js";

export const HOSTS = ["example.com", "conference.example.com"];

export function chat(from: string, to: string, body: string): Element {
  return new Element("message", { from, to, type: "chat", id: `m-${body}` }).c("body").t(body).root();
}

/** A small data set with Prosody's awkward shapes: roster `[false]` entries, host-wide data, pubsub node archives. */
export async function fillSample(manager: StorageManager, archiveItems = 25): Promise<void> {
  const roster = await manager.open("example.com", "roster");
  await roster.set("alice", LuaTable.from({ "bob@example.com": { subscription: "both", groups: {} } }, [[false, { version: 3, pending: {} }]]));
  await roster.set("bob", { "alice@example.com": { subscription: "both", groups: { Friends: true } } });
  const accounts = await manager.open("example.com", "accounts");
  await accounts.set("alice", { password: "secret" });
  await accounts.set("john doe", { password: "x", created: 1700000000.5 });
  const nodes = await manager.open("example.com", "pubsub_nodes");
  await nodes.set(null, { princely_musings: { name: "princely_musings", config: { max_items: 10 } } });
  const blog = await manager.open("example.com", "pubsub_princely_musings", "archive");
  for (let i = 0; i < 3; i++) await blog.append(null, `item-${i}`, new Element("entry", { xmlns: "http://www.w3.org/2005/Atom" }).c("title").t(`Post ${i}`).root(), 1700000000 + i);
  const mam = await manager.open("example.com", "archive", "archive");
  for (let i = 0; i < archiveItems; i++) {
    await mam.append("alice", `a-${String(i).padStart(5, "0")}`, chat("bob@example.com", "alice@example.com", `hi ${i}`), 1690000000 + i, "bob@example.com");
  }
  await mam.append("bob", null, chat("alice@example.com", "bob@example.com", "no with"), 1690000100);
  const persistent = await manager.open("conference.example.com", "persistent");
  await persistent.set(null, { "lounge@conference.example.com": true });
  const config = await manager.open("conference.example.com", "config");
  await config.set("lounge", { _data: { subject: "Hi" }, _affiliations: { "alice@example.com": "owner" } });
}

export function memorySource(label: string, config: StorageConfig = {}): DataSource {
  return { label, manager: new StorageManager({ storage: "memory", storage_archive_item_limit: 1_000_000, ...config }), hosts: HOSTS };
}

interface Snapshot {
  keyval: Map<string, Value>;
  archive: Map<string, Array<{ id: string; when: number; with: string; xml: string }>>;
}

/** Everything a source holds, for comparing two sources in tests. */
export async function snapshot(source: DataSource): Promise<Snapshot> {
  const shot: Snapshot = { keyval: new Map(), archive: new Map() };
  for (const ref of await discoverStores(source)) {
    for (const user of await usersOf(source.manager, ref)) {
      const key = `${ref.host}/${ref.store}/${user ?? ""}`;
      if (ref.type === "keyval") {
        const value = await (await source.manager.open(ref.host, ref.store)).get(user);
        if (value !== undefined) shot.keyval.set(key, value);
      } else {
        const items = [];
        for await (const page of archivePages(await source.manager.open(ref.host, ref.store, "archive"), user, 7)) {
          for (const item of page) items.push({ id: item.id, when: item.when, with: item.with, xml: item.value.toString() });
        }
        if (items.length) shot.archive.set(key, items);
      }
    }
  }
  return shot;
}

export function sameSnapshot(a: Snapshot, b: Snapshot): boolean {
  if (a.keyval.size !== b.keyval.size || a.archive.size !== b.archive.size) return false;
  for (const [key, value] of a.keyval) if (!b.keyval.has(key) || !valuesEqual(value, b.keyval.get(key)!)) return false;
  for (const [key, items] of a.archive) if (JSON.stringify(items) !== JSON.stringify(b.archive.get(key))) return false;
  return true;
}
