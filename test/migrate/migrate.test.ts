import { test } from "node:test";
import assert from "node:assert/strict";
import type { BackendFactory } from "../../src/contracts/index.js";
import { createMemoryBackend } from "../../src/backends/memory/index.js";
import { StorageError } from "../../src/errors.js";
import type { Element } from "ltx";
import { migrate } from "../../src/jobs/migrate.js";
import { discoverStores } from "../../src/jobs/discover.js";
import type { ArchiveStore, KeyValStore } from "../../src/contracts/index.js";
import { chat, fillSample, memorySource, sameSnapshot, snapshot } from "./sample.js";

test("discovery lists every host and store with its type, pubsub node archives included", async () => {
  const source = memorySource("from");
  await fillSample(source.manager);
  const refs = (await discoverStores(source)).map((r) => `${r.host} ${r.store} ${r.type}`);
  assert.deepEqual(refs, [
    "conference.example.com config keyval",
    "conference.example.com persistent keyval",
    "example.com accounts keyval",
    "example.com archive archive",
    "example.com pubsub_nodes keyval",
    "example.com pubsub_princely_musings archive",
    "example.com roster keyval",
  ]);
  await source.manager.close();
});

test("migrate copies everything, keeps archive order, ids, times and with, and is idempotent", async () => {
  const from = memorySource("from");
  const to = memorySource("to");
  await fillSample(from.manager);
  const progress: number[] = [];
  let planned = 0;
  const report = await migrate({ from, to, pageSize: 10, progress: { planned: (p) => (planned = p.items), moved: (n) => progress.push(n) } });
  assert.equal(report.hosts, 2);
  assert.equal(report.stores, 7);
  assert.equal(report.users, 4); // alice, bob, john doe on example.com; lounge on conference
  assert.equal(report.archiveItems, 25 + 1 + 3);
  assert.equal(report.keyvalItems, 7);
  assert.equal(planned, report.items);
  assert.equal(progress.reduce((a, b) => a + b, 0), report.items);
  assert.deepEqual(report.failures, []);
  const expected = await snapshot(from);
  assert.ok(sameSnapshot(expected, await snapshot(to)));

  // Again, after the source changed: keyval replaced, archive items replaced by id, not duplicated.
  const roster = await from.manager.open("example.com", "roster");
  await roster.set("bob", { "carol@example.com": { subscription: "to", groups: {} } });
  const second = await migrate({ from, to, pageSize: 10 });
  assert.equal(second.items, report.items);
  assert.ok(sameSnapshot(await snapshot(from), await snapshot(to)));
  const bobItems = (await snapshot(to)).archive.get("example.com/archive/bob")!;
  assert.equal(bobItems.length, 1);
  assert.equal(bobItems[0].with, "");
  await from.manager.close();
  await to.manager.close();
});

test("selection by host and store, and prosody-migrator's pubsub store type", async () => {
  const from = memorySource("from");
  await fillSample(from.manager);
  const to = memorySource("to");
  await migrate({ from, to, selection: { hosts: ["example.com"], stores: [{ store: "pubsub_nodes", type: "pubsub" }, { store: "roster" }] } });
  const shot = await snapshot(to);
  assert.deepEqual([...shot.keyval.keys()].sort(), ["example.com/pubsub_nodes/", "example.com/roster/alice", "example.com/roster/bob"]);
  assert.deepEqual([...shot.archive.keys()], ["example.com/pubsub_princely_musings/"]);
  const to2 = memorySource("to2");
  await migrate({ from, to: to2, selection: { perHost: { "conference.example.com": [{ store: "config" }] } } });
  assert.deepEqual([...(await snapshot(to2)).keyval.keys()], ["conference.example.com/config/lounge"]);
  for (const s of [from, to, to2]) await s.manager.close();
});

/** A memory backend whose stores refuse writes for user "bob". */
const failingForBob: BackendFactory = async (options, context) => {
  const inner = await createMemoryBackend(options, context);
  return {
    ...inner,
    async open(store, type) {
      const opened = await inner.open(store, type);
      if (type === "archive") {
        const archive = opened as ArchiveStore;
        return { ...archive, caps: archive.caps, users: () => archive.users(), async append(user, ...rest) {
          if (user === "bob") throw new StorageError("backend-failure", "[failing] disk full for bob");
          return archive.append(user, ...rest);
        } } satisfies ArchiveStore;
      }
      const keyval = opened as KeyValStore;
      return { ...keyval, users: () => keyval.users(), async set(user, value) {
        if (user === "bob") throw new StorageError("backend-failure", "[failing] disk full for bob");
        return keyval.set(user, value);
      } } satisfies KeyValStore;
    },
  };
};

test("a failure stops the run, or with keepGoing is recorded and skipped", async () => {
  const from = memorySource("from");
  await fillSample(from.manager);
  const to = memorySource("to", { storage: "failing", backends: { failing: failingForBob } });
  await assert.rejects(migrate({ from, to }), (e: unknown) => e instanceof StorageError && /example\.com .* user "bob": \[failing\] disk full/.test(e.message));
  const report = await migrate({ from, to, keepGoing: true });
  assert.deepEqual(report.failures.map((f) => `${f.store} ${f.type} ${f.user}`), ["archive archive bob", "roster keyval bob"]);
  const alice = await (await to.manager.open("example.com", "archive", "archive")).get("alice", "a-00003");
  assert.equal(alice?.value.toString(), chat("bob@example.com", "alice@example.com", "hi 3").toString());
  await from.manager.close();
  await to.manager.close();
});

/** A memory backend with the bulk write path, refusing keyval records of user "bob". */
const bulkMemory = (calls: string[]): BackendFactory => async (options, context) => {
  const inner = await createMemoryBackend(options, context);
  return {
    ...inner,
    async bulkAppend(items: Array<{ user: string | null; store: string; key?: string | null; value: Element; when?: number; with?: string }>) {
      calls.push(`append ${items.length}`);
      const ids = [];
      for (const item of items) {
        const store = (await inner.open(item.store, "archive")) as ArchiveStore;
        ids.push(await store.append(item.user, item.key ?? null, item.value, item.when, item.with));
      }
      return ids;
    },
    async bulkSet(rows: Array<{ user: string | null; store: string; data: unknown }>) {
      calls.push(`set ${rows.length}`);
      if (rows.some((r) => r.user === "bob")) throw new StorageError("backend-failure", "[bulk] bob refused");
      for (const row of rows) await ((await inner.open(row.store, "keyval")) as KeyValStore).set(row.user, row.data as never);
    },
  };
};

test("the bulk write path: pages and batched keyval records, a failing batch retried record by record", async () => {
  const from = memorySource("from", { hosts: { "conference.example.com": { storage: "memory" } } });
  await fillSample(from.manager, 12);
  const calls: string[] = [];
  const to = memorySource("to", { storage: "bulk", backends: { bulk: bulkMemory(calls) } });
  const report = await migrate({ from, to, keepGoing: true, pageSize: 5 });
  assert.deepEqual(report.failures.map((f) => `${f.host} ${f.store} ${f.user}`), ["example.com roster bob"]);
  assert.deepEqual(calls.filter((c) => c.startsWith("append")), ["append 5", "append 5", "append 2", "append 1", "append 3"]);
  // One batch per backend instance (host) first, then one record at a time for the failing batch.
  assert.ok(calls.includes("set 2") && calls.includes("set 5"));
  const roster = await to.manager.open("example.com", "roster");
  assert.equal(await roster.get("bob"), undefined);
  assert.ok(await roster.get("alice"));
  await assert.rejects(migrate({ from, to }), /roster, user "bob": \[bulk\] bob refused/);
  await from.manager.close();
  await to.manager.close();
});
