// Failures inside Prosody reach the test clearly: per operation (condition, message, Prosody's
// log), without stopping the other operations, and the harness's own failures as such.
import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { parse, type Element } from "ltx";
import { needService } from "../../helpers/services.js";
import { ProsodyBatch, ProsodyHarnessError, ProsodyOpError, prosodyAvailable, runProsody } from "../../helpers/prosody.js";
import { makeProsodyEnv, prosodyTempDir } from "../../helpers/prosody-env.js";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

const HOST = "example.com";
const stanza = parse(`<message><body>x</body></message>`) as Element;

function available(t: TestContext): boolean {
  return needService(t, "prosody", prosodyAvailable(), "apt-get install prosody (lua5.4)");
}

test("an operation Prosody refuses rejects with its condition; the others still run", async (t) => {
  if (!available(t)) return;
  const env = await makeProsodyEnv("internal", [HOST], { storage_archive_item_limit: 2 });
  t.after(() => env.cleanup());
  const p = new ProsodyBatch(env.setup);
  const appends = [1, 2, 3].map((i) => p.archiveAppend(HOST, "archive", "u", { value: stanza, when: 1700000000 + i }));
  const notStanza = p.archiveAppend(HOST, "other", "u", { value: { not: "a stanza" }, when: 1700000000 });
  const after = p.keyvalSet(HOST, "kv", "u", { still: "runs" });
  const read = p.keyvalGet(HOST, "kv", "u");
  await assert.rejects(p.run(), (error: ProsodyOpError) => {
    assert.ok(error instanceof ProsodyOpError);
    assert.equal(error.condition, "quota-limit");
    assert.equal(error.index, 2);
    assert.match(error.message, /^Prosody archive\.append #2 \(host="example\.com" store="archive" user="u" key=null\) failed: quota-limit/);
    return true;
  });
  assert.equal(typeof (await appends[0]), "string");
  await assert.rejects(appends[2], (e: ProsodyOpError) => e.condition === "quota-limit");
  await assert.rejects(notStanza, (e: ProsodyOpError) => e.condition === "unsupported-datatype");
  await after;
  assert.deepEqual(await read, { still: "runs" });
});

test("allowErrors: run() resolves and only the failed operations reject", async (t) => {
  if (!available(t)) return;
  const env = await makeProsodyEnv("internal", [HOST]);
  t.after(() => env.cleanup());
  const p = new ProsodyBatch(env.setup);
  const bad = p.archiveFind(HOST, "archive", "u", { after: "nope" });
  const good = p.keyvalGet(HOST, "kv", "u");
  const unknown = p.raw({ op: "no.such.op" });
  const response = await p.run({ allowErrors: true });
  assert.equal(response.results.length, 3);
  await assert.rejects(bad, (e: ProsodyOpError) => e.condition === "item-not-found");
  assert.equal(await good, undefined);
  assert.deepEqual(await unknown, { ok: false, error: "unknown operation no.such.op" });
});

test("a backend Prosody cannot load is an error naming it, with Prosody's log, never a silent null store", async (t) => {
  if (!available(t)) return;
  const dataPath = await prosodyTempDir();
  t.after(() => rm(dataPath, { recursive: true, force: true }));
  await writeFile(join(dataPath, "a-file"), "");
  const p = new ProsodyBatch({
    dataPath,
    hosts: {
      "a.example": { storage: "nosuch" },
      // below a regular file, so no directory can ever appear there
      "b.example": { storage: "sql", sql: { driver: "SQLite3", database: join(dataPath, "a-file", "x.sqlite") } },
    },
  });
  const nosuch = p.keyvalGet("a.example", "roster", "u");
  const sqlite = p.keyvalSet("b.example", "roster", "u", { a: 1 });
  const response = await p.run({ allowErrors: true });
  await assert.rejects(nosuch, /no storage driver could be loaded for roster on a\.example \(Prosody fell back to null\)[^]*storage_nosuch/);
  await assert.rejects(sqlite, /unable to open database file/);
  assert.ok(response.log.some((line) => line.startsWith("error storagemanager: Failed to load storage driver plugin nosuch")));
});

test("the harness's own failures are ProsodyHarnessError", async (t) => {
  if (!available(t)) return;
  await assert.rejects(runProsody({ data_path: "relative/path", hosts: {}, ops: [] }), (e: Error) => {
    assert.ok(e instanceof ProsodyHarnessError);
    assert.match(e.message, /data_path must be an absolute path/);
    return true;
  });
  const batch = new ProsodyBatch({ dataPath: "relative", hosts: {} });
  const op = batch.keyvalGet(HOST, "kv", "u");
  await assert.rejects(batch.run(), ProsodyHarnessError);
  await assert.rejects(op, ProsodyHarnessError);
});
