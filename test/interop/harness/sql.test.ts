// The harness drives Prosody's SQL backend: rows look as prosody-facts.md shows (SQLite
// inspected directly), and the data set survives a round trip on SQLite, PostgreSQL and MySQL.
import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import Database from "better-sqlite3";
import { ProsodyBatch } from "../../helpers/prosody.js";
import { prosodyEnvForTest, type ProsodyEnvKind } from "../../helpers/prosody-env.js";
import { DATASET_HOSTS, datasetDifferences, expectedDataset, readWithProsody, writeDatasetWithProsody } from "../../helpers/prosody-dataset.js";

const env = (t: TestContext, kind: ProsodyEnvKind) => prosodyEnvForTest(t, kind, DATASET_HOSTS);

type Row = Record<string, string | number>;

test("SQLite: Prosody's rows for keyval, map and archive stores look as documented", async (t) => {
  const e = await env(t, "sqlite");
  if (!e) return;
  await writeDatasetWithProsody(e.setup);
  const db = new Database(e.sql!.database, { readonly: true });
  t.after(() => db.close());
  const row = (sql: string, ...args: unknown[]) => db.prepare(sql).get(...args) as Row | undefined;
  const kv = (host: string, user: string, store: string, key: string) =>
    row(`SELECT "type", "value" FROM "prosody" WHERE "host"=? AND "user"=? AND "store"=? AND "key"=?`, host, user, store, key);

  assert.deepEqual(kv("example.com", "juliet", "accounts", "iteration_count"), { type: "number", value: "10000" });
  assert.deepEqual(kv("example.com", "juliet", "accounts", "salt"), { type: "string", value: "9661d64c-5ccf-4d68-91fc-e6c7ff159fc5" });
  const nurse = kv("example.com", "juliet", "roster", "nurse@capulet.example");
  assert.equal(nurse?.type, "json");
  assert.deepEqual(JSON.parse(String(nurse?.value)), { groups: {}, subscription: "to" }); // key order follows Lua's hash
  const meta = kv("example.com", "juliet", "roster", "");
  assert.equal(meta?.type, "json");
  assert.match(String(meta?.value), /^\{"__hash":\[false,\{/);
  assert.deepEqual(kv("example.com", "juliet", "blocklist", "evil.example"), { type: "boolean", value: "true" });
  assert.deepEqual(kv("example.com", "john doe", "account_details", "score"), { type: "number", value: "-3.25" });
  assert.deepEqual(kv("example.com", "john doe", "account_details", ""), { type: "json", value: '{"":"empty key"}' });
  const notes = kv("example.com", "juliet", "private", "storage:storage:rosternotes");
  assert.equal(notes?.type, "json");
  // util.json: a table with an array part and other keys keeps its list under "__array"
  const note = JSON.parse(String(notes?.value));
  assert.equal(note.name, "storage");
  assert.deepEqual(note.attr, { xmlns: "storage:rosternotes" });
  assert.equal(note.__array[0].name, "note");
  assert.deepEqual(note.__array[0].__array, ['Met at conference.\nLikes "tea" & <cake>']);
  assert.deepEqual(kv("conference.example.com", "", "persistent", "lounge@conference.example.com"), { type: "boolean", value: "true" });
  assert.deepEqual(kv("conference.example.com", "lounge", "config", "juliet@example.com"), { type: "string", value: "owner" });

  const item = row(`SELECT * FROM "prosodyarchive" WHERE "store"='archive' AND "user"='juliet' ORDER BY "sort_id" LIMIT 1`)!;
  assert.equal(item.key, "mam-00-7mVmx7YN");
  assert.equal(item.when, 1696325408);
  assert.equal(item.with, "romeo@montague.example");
  assert.equal(item.type, "xml");
  assert.match(String(item.value), /^<message /);
  assert.match(String(item.value), /<body>Quotes: &apos;single&apos; &quot;double&quot; `back`<\/body>/);
  const pubsub = row(`SELECT "user", "with" FROM "prosodyarchive" WHERE "store"='pubsub_princely_musings' LIMIT 1`);
  assert.deepEqual(pubsub, { user: "", with: "" });

  assert.deepEqual(datasetDifferences(await readWithProsody(e.setup), expectedDataset()), []);
});

for (const kind of ["postgres", "mysql"] as const) {
  test(`${kind}: Prosody writes the data set and reads all of it back`, async (t) => {
    const e = await env(t, kind);
    if (!e) return;
    await writeDatasetWithProsody(e.setup);
    const p = new ProsodyBatch(e.setup);
    const driver = p.driver("example.com", "roster");
    await p.run();
    assert.equal(await driver, "sql");
    assert.deepEqual(datasetDifferences(await readWithProsody(e.setup), expectedDataset()), []);
  });
}

test("datasetDifferences reports what differs", async (t) => {
  const e = await env(t, "sqlite");
  if (!e) return;
  const dataset = expectedDataset();
  await writeDatasetWithProsody(e.setup, dataset);
  const p = new ProsodyBatch(e.setup);
  void p.keyvalSet("example.com", "roster", "juliet", undefined);
  void p.keyvalSet("example.com", "accounts", "juliet", { password: "changed" });
  void p.archiveDelete("example.com", "archive", "juliet", { truncate: 10 });
  void p.keyvalSet("example.com", "extra", "juliet", { x: 1 });
  await p.run();
  const read = await readWithProsody(e.setup, [...(await import("../../helpers/prosody-dataset.js")).datasetTargets(dataset), { kind: "keyval", host: "example.com", store: "extra", user: "juliet" }]);
  const diffs = datasetDifferences(read, dataset);
  assert.equal(diffs.length, 4, diffs.join("\n"));
  assert.match(diffs[0], /^example\.com\/accounts\/"juliet": value \{"password":"changed"\}/);
  assert.match(diffs[1], /^example\.com\/roster\/"juliet": missing/);
  assert.match(diffs[2], /^example\.com\/archive\/"juliet": 10 items, expected 12/);
  assert.match(diffs[3], /^example\.com\/extra\/"juliet": not expected/);
});
