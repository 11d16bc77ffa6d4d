// Every operation of the harness reaches Prosody with all its fields: archive queries (each field),
// get/set/delete/summary/users/caps, map operations, store listing and purge, on internal and SQLite.
import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { Element, parse } from "ltx";
import { ProsodyBatch, ProsodyOpError } from "../../helpers/prosody.js";
import { prosodyEnvForTest, type ProsodyEnvKind } from "../../helpers/prosody-env.js";
import { valuesEqual } from "../../../src/values/index.js";

const HOST = "example.com";
const T = 1700000000;
const msg = (i: number) => parse(`<message type="chat" id="m${i}"><body>message ${i}</body></message>`) as Element;

const env = (t: TestContext, kind: ProsodyEnvKind) => prosodyEnvForTest(t, kind, [HOST]);

/** Ten items a0..a9, one minute apart, with alternating w1/w2. */
function fill(p: ProsodyBatch): void {
  for (let i = 0; i < 10; i++) {
    void p.archiveAppend(HOST, "archive", "u", { key: `a${i}`, value: msg(i), when: T + i * 60, with: i % 2 === 0 ? "w1" : "w2" });
  }
}

const ids = (found: { items: Array<{ id: string }> }) => found.items.map((item) => item.id).join(" ");

for (const kind of ["internal", "sqlite"] as const) {
  test(`${kind}: archive find passes every query field`, async (t) => {
    const e = await env(t, kind);
    if (!e) return;
    const p = new ProsodyBatch(e.setup);
    fill(p);
    const find = (q?: object) => p.archiveFind(HOST, "archive", "u", q);
    const all = find();
    const reverse = find({ reverse: true });
    const withW1 = find({ with: "w1" });
    const range = find({ start: T + 180, end: T + 300 });
    const after = find({ after: "a2", limit: 3 });
    const before = find({ before: "a3" });
    const beforeReverse = find({ before: "a6", reverse: true, limit: 2 });
    const byIds = find({ ids: ["a7", "a1"] });
    const byKey = find({ key: "a4" });
    const total = find({ total: true, limit: 2, with: "w2" });
    const unknown = find({ after: "nope" });
    await p.run({ allowErrors: true });
    assert.equal(ids(await all), "a0 a1 a2 a3 a4 a5 a6 a7 a8 a9");
    const first = (await all).items[0];
    assert.equal(first.when, T);
    assert.equal(first.with, "w1");
    assert.ok(first.value instanceof Element && first.value.getChildText("body") === "message 0");
    assert.equal(ids(await reverse), "a9 a8 a7 a6 a5 a4 a3 a2 a1 a0");
    assert.equal(ids(await withW1), "a0 a2 a4 a6 a8");
    assert.equal(ids(await range), "a3 a4 a5");
    assert.equal(ids(await after), "a3 a4 a5");
    assert.equal(ids(await before), "a0 a1 a2");
    assert.equal(ids(await beforeReverse), "a5 a4");
    assert.equal(ids(await byIds), "a1 a7");
    assert.equal(ids(await byKey), "a4");
    assert.equal(ids(await total), "a1 a3");
    assert.equal((await total).total, 5);
    await assert.rejects(unknown, (error: ProsodyOpError) => error.condition === "item-not-found");
  });

  test(`${kind}: archive get, set, summary, delete, users, caps`, async (t) => {
    const e = await env(t, kind);
    if (!e) return;
    const p = new ProsodyBatch(e.setup);
    fill(p);
    const got = p.archiveGet(HOST, "archive", "u", "a3");
    const missing = p.archiveGet(HOST, "archive", "u", "nope");
    const set = p.archiveSet(HOST, "archive", "u", "a3", { value: msg(33) });
    const setMissing = p.archiveSet(HOST, "archive", "u", "nope", { value: msg(0) });
    const changed = p.archiveGet(HOST, "archive", "u", "a3");
    const summary = p.archiveSummary(HOST, "archive", "u");
    const users = p.archiveUsers(HOST, "archive");
    const caps = p.archiveCaps(HOST, "archive");
    const deleted = p.archiveDelete(HOST, "archive", "u", { with: "w2" });
    const afterDelete = p.archiveFind(HOST, "archive", "u");
    void p.archiveDelete(HOST, "archive", "u", { truncate: 2 });
    const afterTruncate = p.archiveFind(HOST, "archive", "u");
    await p.run();
    const item = (await got)!;
    assert.equal(item.when, T + 180);
    assert.equal(item.with, "w2");
    assert.equal(await missing, undefined);
    assert.equal(await set, true);
    assert.equal(await setMissing, false);
    assert.equal(((await changed)!.value as Element).getChildText("body"), "message 33");
    const s = await summary;
    assert.deepEqual(s.counts, { w1: 5, w2: 5 });
    assert.deepEqual(s.earliest, { w1: T, w2: T + 60 });
    assert.deepEqual(s.latest, { w1: T + 480, w2: T + 540 });
    assert.deepEqual(await users, ["u"]);
    assert.equal((await caps).total, true);
    assert.equal((await caps).truncate, true);
    assert.ok((await deleted) === 5 || (await deleted) === true);
    assert.equal(ids(await afterDelete), "a0 a2 a4 a6 a8");
    assert.equal(ids(await afterTruncate), "a6 a8");
  });

  test(`${kind}: keyval users, map operations, store listing and purge`, async (t) => {
    const e = await env(t, kind);
    if (!e) return;
    const p = new ProsodyBatch(e.setup);
    void p.keyvalSet(HOST, "kv", "u", { a: 1 });
    void p.keyvalSet(HOST, "kv", "v", { b: 2 });
    void p.keyvalSet(HOST, "kv", null, { host: true });
    void p.mapSet(HOST, "map", "u", "k1", "one");
    void p.mapSetKeys(HOST, "map", "u", { k2: [1, 2], k3: { x: true } }, ["k1"]);
    const mapK2 = p.mapGet(HOST, "map", "u", "k2");
    const mapK1 = p.mapGet(HOST, "map", "u", "k1");
    const whole = p.keyvalGet(HOST, "map", "u");
    void p.mapSet(HOST, "map", "v", "k3", "v's");
    const getAll = p.mapGetAll(HOST, "map", "k3");
    void p.archiveAppend(HOST, "archive", "u", { key: "x", value: msg(1), when: T });
    const users = p.keyvalUsers(HOST, "kv");
    const stores = p.stores(HOST, "u");
    const hostStores = p.keyvalGet(HOST, "kv", null);
    await p.run();
    // SQL lists host-wide data as the user "" (its rows have user = ''); internal keeps it outside the store directory
    assert.deepEqual((await users).sort(), kind === "sqlite" ? ["", "u", "v"] : ["u", "v"]);
    assert.deepEqual(await mapK2, [1, 2]);
    assert.equal(await mapK1, undefined);
    assert.ok(valuesEqual((await whole)!, { k2: [1, 2], k3: { x: true } }));
    assert.ok(valuesEqual((await getAll)!, { u: { x: true }, v: "v's" }));
    assert.deepEqual((await stores).sort(), ["kv", "map"]);
    assert.deepEqual(await hostStores, { host: true });

    const q = new ProsodyBatch(e.setup);
    void q.purge(HOST, "u");
    const kvAfter = q.keyvalGet(HOST, "kv", "u");
    const mapAfter = q.keyvalGet(HOST, "map", "u");
    const archiveAfter = q.archiveFind(HOST, "archive", "u");
    const otherUser = q.keyvalGet(HOST, "kv", "v");
    await q.run();
    assert.equal(await kvAfter, undefined);
    assert.equal(await mapAfter, undefined);
    assert.equal((await archiveAfter).items.length, 0);
    assert.deepEqual(await otherUser, { b: 2 });
  });
}

test("internal: driver:stores lists a user's keyval stores only, and every store directory for true", async (t) => {
  const e = await env(t, "internal");
  if (!e) return;
  const p = new ProsodyBatch(e.setup);
  void p.keyvalSet(HOST, "kv", "u", { a: 1 });
  void p.archiveAppend(HOST, "archive", "u", { key: "x", value: msg(1), when: T });
  const keyval = p.stores(HOST, "u");
  const anyUser = p.stores(HOST, true);
  await p.run();
  assert.deepEqual(await keyval, ["kv"]);
  assert.deepEqual((await anyUser).sort(), ["archive", "kv"]);
});
