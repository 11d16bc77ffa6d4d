// Proof against real Prosody 0.12: Prosody writes the harness's full data set into a data
// directory and xmppstore's internal backend reads all of it back equal; xmppstore writes it
// and Prosody reads all of it back equal; and the two take turns on the same archive.
import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { Element } from "ltx";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { tablePairs, type Value } from "../../src/values/index.js";
import { collect } from "../conformance/context.js";
import { prosodyAvailable, ProsodyBatch } from "../helpers/prosody.js";
import { makeProsodyEnv, type ProsodyEnv } from "../helpers/prosody-env.js";
import {
  DATASET_HOSTS,
  DATASET_USERS,
  datasetDifferences,
  datasetStores,
  expectedDataset,
  readWithProsody,
  writeDatasetWithProsody,
  type DatasetItem,
  type ProsodyDataset,
} from "../helpers/prosody-dataset.js";
import { needService } from "../helpers/services.js";
import { unguardedBackend } from "../../src/manager/manager.js";

async function prosodyEnv(t: TestContext): Promise<ProsodyEnv | undefined> {
  if (!needService(t, "prosody", prosodyAvailable(), "apt-get install prosody (lua5.4)")) return undefined;
  const env = await makeProsodyEnv("internal", DATASET_HOSTS);
  t.after(() => env.cleanup());
  return env;
}

/** What xmppstore reads at every place of the expected data set. */
async function readWithXmppstore(sm: StorageManager, expected: ProsodyDataset): Promise<ProsodyDataset> {
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
async function writeWithXmppstore(sm: StorageManager, dataset: ProsodyDataset): Promise<void> {
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

test("Prosody writes the full data set; xmppstore reads every store of it back equal", async (t) => {
  const env = await prosodyEnv(t);
  if (!env) return;
  await writeDatasetWithProsody(env.setup);
  const expected = expectedDataset();
  const sm = new StorageManager({ data_path: env.setup.dataPath });
  try {
    assert.deepEqual(datasetDifferences(await readWithXmppstore(sm, expected), expected), []);
    // users() decodes every awkward name Prosody encoded.
    const accounts = await collect((await sm.open("example.com", "accounts")).users());
    assert.deepEqual(accounts.sort(), [...DATASET_USERS].sort());
    // discover() finds exactly the data set's stores.
    const { backend } = await unguardedBackend(sm, "example.com", "accounts");
    const found = (await collect(backend.discover!())).map((s) => `${s.host} ${s.store} ${s.type}`).sort();
    const wanted = datasetStores(expected).map((s) => `${s.host} ${s.store} ${s.kind === "archive" ? "archive" : "keyval"}`);
    assert.deepEqual(found, [...new Set(wanted)].sort());
  } finally {
    await sm.close();
  }
});

test("xmppstore writes the full data set; Prosody reads every store of it back equal", async (t) => {
  const env = await prosodyEnv(t);
  if (!env) return;
  const dataset = expectedDataset();
  const sm = new StorageManager({ data_path: env.setup.dataPath });
  try {
    await writeWithXmppstore(sm, dataset);
  } finally {
    await sm.close();
  }
  assert.deepEqual(datasetDifferences(await readWithProsody(env.setup, dataset), dataset), []);
});

test("Prosody and xmppstore take turns on one archive", async (t) => {
  const env = await prosodyEnv(t);
  if (!env) return;
  const host = "example.com";
  const msg = (body: string) => new Element("message", { xmlns: "jabber:client", type: "chat" }).c("body").t(body).root();
  const sm = new StorageManager({ data_path: env.setup.dataPath });
  try {
    const archive = await sm.open(host, "archive", "archive");
    await archive.append("juliet", "x1", msg("ours 1"), 1_700_000_001, "romeo@montague.example");
    // Prosody appends while our index of the file is warm: we must see its items.
    const p = new ProsodyBatch(env.setup);
    void p.archiveAppend(host, "archive", "juliet", { key: "p1", value: msg("theirs 1"), when: 1_700_000_002, with: "nurse@capulet.example" });
    void p.archiveAppend(host, "archive", "juliet", { key: "p2", value: msg("theirs 2"), when: 1_700_000_003 });
    await p.run();
    const ids = async () => (await collect(await archive.find("juliet"))).map((item) => `${item.id}:${item.with}`);
    assert.deepEqual(await ids(), ["x1:romeo@montague.example", "p1:nurse@capulet.example", "p2:"]);
    assert.equal((await archive.find("juliet", { with: "nurse@capulet.example", total: true, limit: 0 })).total, 1);
    await archive.append("juliet", null, msg("ours 2"), 1_700_000_004, "romeo@montague.example");
    await archive.delete("juliet", { key: "p1" });
    await archive.set("juliet", "x1", msg("ours 1, edited"), undefined, undefined);
    const check = new ProsodyBatch(env.setup);
    const seen = check.archiveFind(host, "archive", "juliet", {});
    const page = check.archiveFind(host, "archive", "juliet", { with: "romeo@montague.example", reverse: true, limit: 1, total: true });
    await check.run();
    const items = (await seen).items;
    assert.deepEqual(items.map((item) => item.id).slice(0, 2), ["x1", "p2"]);
    assert.equal(items.length, 3);
    assert.equal(items[2].with, "romeo@montague.example");
    assert.equal(((await page).items[0].value as Element).getChildText("body"), "ours 2");
    assert.equal((await page).total, 2);
    assert.equal(((items[0].value as Element).getChildText("body")), "ours 1, edited");
  } finally {
    await sm.close();
  }
});
