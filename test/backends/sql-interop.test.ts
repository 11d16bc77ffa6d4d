// Proof against real Prosody 0.12 (mod_storage_sql): Prosody writes the harness data set into
// SQLite and PostgreSQL and xmppstore reads it back equal; xmppstore writes it and Prosody reads
// it back equal; and the rows xmppstore writes are the rows Prosody writes.
import assert from "node:assert/strict";
import { describe, test, type TestContext } from "node:test";
import Database from "better-sqlite3";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { tablePairs, valuesEqual, type Value } from "../../src/values/index.js";
import { decodeProsodyJson } from "../../src/format/json/index.js";
import { needService } from "../helpers/services.js";
import { prosodyAvailable } from "../helpers/prosody.js";
import { makeProsodyEnv, prosodyEnvAvailable, type ProsodyEnv, type ProsodyEnvKind } from "../helpers/prosody-env.js";
import {
  DATASET_HOSTS,
  datasetDifferences,
  expectedDataset,
  readWithProsody,
  writeDatasetWithProsody,
  type ProsodyDataset,
} from "../helpers/prosody-dataset.js";
import { collect } from "../conformance/index.js";
import { unguardedBackend } from "../../src/manager/manager.js";

async function envFor(t: TestContext, kind: ProsodyEnvKind): Promise<ProsodyEnv | undefined> {
  if (!needService(t, "prosody", prosodyAvailable(), "apt-get install prosody lua5.4")) return undefined;
  if (!needService(t, `Prosody's ${kind} storage`, await prosodyEnvAvailable(kind), "lua-dbi drivers and a reachable server")) return undefined;
  const env = await makeProsodyEnv(kind, DATASET_HOSTS);
  t.after(() => env.cleanup());
  return env;
}

/** Reads every place of `expected` through xmppstore. */
async function readWithXmppstore(sm: StorageManager, expected: ProsodyDataset): Promise<ProsodyDataset> {
  const out: ProsodyDataset = { hosts: expected.hosts, keyval: [], archive: [] };
  for (const { host, store, user } of expected.keyval) {
    const value = await (await sm.open(host, store)).get(user);
    if (value !== undefined) out.keyval.push({ host, store, user, value });
  }
  for (const { host, store, user } of expected.archive) {
    const items = await collect(await (await sm.open(host, store, "archive")).find(user));
    out.archive.push({ host, store, user, items: items.map(({ id, value, when, with: w }) => ({ id, value, when, with: w })) });
  }
  return out;
}

/** Writes the data set through xmppstore the way Prosody's modules do (map entries key by key). */
async function writeWithXmppstore(sm: StorageManager, dataset: ProsodyDataset): Promise<void> {
  for (const entry of dataset.keyval) {
    if (entry.via === "map") {
      const map = await sm.open(entry.host, entry.store, "map");
      for (const [key, value] of tablePairs(entry.value as never)) await map.set(entry.user, key as string, value);
    } else {
      await (await sm.open(entry.host, entry.store)).set(entry.user, entry.value);
    }
  }
  for (const archive of dataset.archive) {
    const store = await sm.open(archive.host, archive.store, "archive");
    for (const item of archive.items) {
      await store.append(archive.user, item.id, item.value, item.when, archive.nilWith && item.with === "" ? undefined : item.with);
    }
  }
}

type Row = { host: string; user: string; store: string; key: string; type: string; value: string };

/** The keyval rows of an SQLite database, with JSON values decoded, for comparing two writers. */
function sqliteRows(file: string): Map<string, { type: string; value: Value | string }> {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare(`SELECT "host", "user", "store", "key", "type", "value" FROM "prosody"`).all() as Row[];
    return new Map(
      rows.map((r) => [`${r.host}|${r.user}|${r.store}|${r.key}`, { type: r.type, value: r.type === "json" ? decodeProsodyJson(r.value) : r.value }]),
    );
  } finally {
    db.close();
  }
}

for (const kind of ["sqlite", "postgres"] as const) {
  describe(`sql interop with Prosody 0.12 (${kind})`, () => {
    test("Prosody writes the data set; xmppstore reads all of it back equal", async (t) => {
      const env = await envFor(t, kind);
      if (!env) return;
      await writeDatasetWithProsody(env.setup);
      const sm = new StorageManager(env.xmppstoreConfig);
      try {
        assert.deepEqual(datasetDifferences(await readWithXmppstore(sm, expectedDataset()), expectedDataset()), []);
        const found = await collect((await unguardedBackend(sm, "example.com", "roster")).backend.discover!());
        for (const { host, store } of [...expectedDataset().keyval, ...expectedDataset().archive]) {
          assert.ok(found.some((d) => d.host === host && d.store === store), `discover() finds ${host}/${store}`);
        }
      } finally {
        await sm.close();
      }
    });

    test("xmppstore writes the data set; Prosody reads all of it back equal", async (t) => {
      const env = await envFor(t, kind);
      if (!env) return;
      const sm = new StorageManager(env.xmppstoreConfig);
      try {
        await writeWithXmppstore(sm, expectedDataset());
      } finally {
        await sm.close();
      }
      assert.deepEqual(datasetDifferences(await readWithProsody(env.setup), expectedDataset()), []);
    });
  });
}

test("xmppstore writes the same keyval rows as Prosody (SQLite)", async (t) => {
  const byProsody = await envFor(t, "sqlite");
  const byXmppstore = byProsody && (await envFor(t, "sqlite"));
  if (!byProsody || !byXmppstore) return;
  await writeDatasetWithProsody(byProsody.setup);
  const sm = new StorageManager(byXmppstore.xmppstoreConfig);
  try {
    await writeWithXmppstore(sm, expectedDataset());
  } finally {
    await sm.close();
  }
  const theirs = sqliteRows(byProsody.sql!.database);
  const ours = sqliteRows(byXmppstore.sql!.database);
  assert.deepEqual([...ours.keys()].sort(), [...theirs.keys()].sort(), "the same (host, user, store, key) rows");
  for (const [key, row] of theirs) {
    const mine = ours.get(key)!;
    assert.equal(mine.type, row.type, `type of ${key}`);
    if (row.type === "json") assert.ok(valuesEqual(mine.value as Value, row.value as Value), `JSON of ${key}`);
    else if (row.type !== "number") assert.equal(mine.value, row.value, `value of ${key}`);
  }
});
