// The migrator's side of the sql backend: discover(), purge(), and the bulk write path.
import assert from "node:assert/strict";
import { describe, test, type TestContext } from "node:test";
import { Element } from "ltx";
import { StorageManager } from "../../src/stores/storage-manager.js";
import type { SqlBackend } from "../../src/backends/sql/index.js";
import { assertValue, collect, rejectsWith } from "../conformance/index.js";
import { postgresDatabase, serverAvailable, sqliteDatabase, type TestDatabase } from "../sql/databases.js";
import type { StorageConfig } from "../../src/contracts/index.js";
import { unguardedBackend } from "../../src/manager/manager.js";

const msg = (body: string) => new Element("message", { type: "chat" }).c("body").t(body).root();

async function setup(t: TestContext, make: () => Promise<TestDatabase>) {
  const db = await make();
  const config: StorageConfig = { storage: "sql", sql: db.sql, ...(db.dataPath ? { data_path: db.dataPath } : {}) };
  const sm = new StorageManager(config);
  t.after(async () => {
    await sm.close();
    await db.drop();
  });
  const backend = (await unguardedBackend(sm, "example.com", "archive")).backend as SqlBackend;
  return { sm, backend };
}

const engines: Array<[string, () => Promise<TestDatabase>, boolean]> = [
  ["SQLite3", sqliteDatabase, true],
  ["PostgreSQL", postgresDatabase, await serverAvailable("PostgreSQL")],
];

for (const [name, make, available] of engines) {
  describe(`sql bulk path, discover, purge (${name})`, { skip: available ? false : `${name} is not reachable` }, () => {
    test("bulkAppend appends in order, replaces stored keys, and is all or nothing", async (t) => {
      const { sm, backend } = await setup(t, make);
      const archive = await sm.open("example.com", "archive", "archive");
      await archive.append("alice", "old", msg("old"), 10);
      await archive.append("alice", "kept", msg("kept"), 11);
      const ids = await backend.bulkAppend([
        { user: "alice", store: "archive", key: "old", value: msg("old, replaced"), when: 20, with: "bob@example.com" },
        { user: "alice", store: "archive", value: msg("new id"), when: 21 },
        { user: null, store: "archive", key: "host-wide", value: msg("host"), when: 22 },
        { host: "other.example", user: "alice", store: "archive", key: "elsewhere", value: msg("other host"), when: 23 },
        ...Array.from({ length: 250 }, (_, i) => ({ user: "bob", store: "archive", key: `b${i}`, value: msg(`b${i}`), when: 100 + i })),
        { user: "bob", store: "archive", key: "b3", value: msg("b3 again"), when: 400 },
      ]);
      assert.equal(ids[0], "old");
      assert.match(ids[1], /^[0-9a-f-]{36}$/);
      const alice = await collect(await archive.find("alice"));
      assert.deepEqual(alice.map((i) => i.value.getChildText("body")), ["kept", "old, replaced", "new id"]);
      assert.equal(alice[1].with, "bob@example.com");
      assert.equal((await collect(await archive.find(null))).length, 1);
      assert.equal((await collect(await (await sm.open("other.example", "archive", "archive")).find("alice"))).length, 1);
      const bob = await collect(await archive.find("bob"));
      assert.equal(bob.length, 250);
      assert.equal(bob.at(-1)?.value.getChildText("body"), "b3 again", "a key given twice: the last wins and moves to the end");

      const bad = new Element("message").c("body").t("bell \u0007").root();
      await rejectsWith(
        backend.bulkAppend([
          { user: "carol", store: "archive", value: msg("fine") },
          { user: "carol", store: "archive", value: bad },
        ]),
        "unsupported-datatype",
      );
      assert.deepEqual(await collect(await archive.find("carol")), [], "nothing written");
    });

    test("bulkSet replaces users' data as keyval set does", async (t) => {
      const { sm, backend } = await setup(t, make);
      const roster = await sm.open("example.com", "roster");
      await roster.set("alice", { stale: true });
      await backend.bulkSet([
        { user: "alice", store: "roster", data: { "bob@example.com": { subscription: "both" } } },
        { user: "bob", store: "roster", data: { x: 1 } },
        { user: "bob", store: "roster", data: { x: 2, y: [1, 2] } },
        { user: null, store: "persistent", data: { "room@muc": true } },
        { user: "carol", store: "roster", data: undefined },
        ...Array.from({ length: 150 }, (_, i) => ({ user: `u${i}`, store: "vcard", data: { fn: `User ${i}`, n: i } })),
      ]);
      assertValue(await roster.get("alice"), { "bob@example.com": { subscription: "both" } });
      assertValue(await roster.get("bob"), { x: 2, y: [1, 2] });
      assertValue(await (await sm.open("example.com", "persistent")).get(null), { "room@muc": true });
      assertValue(await (await sm.open("example.com", "vcard")).get("u149"), { fn: "User 149", n: 149 });
    });

    test("discover lists every host and store of both tables; purge removes one user's everything", async (t) => {
      const { sm, backend } = await setup(t, make);
      await (await sm.open("example.com", "roster")).set("alice", { a: 1 });
      await (await sm.open("example.com", "roster")).set("bob", { b: 1 });
      await (await sm.open("muc.example.com", "config")).set("room", { c: 1 });
      await (await sm.open("example.com", "archive", "archive")).append("alice", null, msg("hi"), 1);
      await (await sm.open("example.com", "archive", "archive")).append("bob", null, msg("hi"), 1);
      const found = (await collect(backend.discover!())).map((d) => `${d.type} ${d.host}/${d.store}`).sort();
      assert.deepEqual(found, ["archive example.com/archive", "keyval example.com/roster", "keyval muc.example.com/config"]);
      await sm.purge("alice", "example.com");
      assert.equal(await (await sm.open("example.com", "roster")).get("alice"), undefined);
      assertValue(await (await sm.open("example.com", "roster")).get("bob"), { b: 1 });
      assert.deepEqual(await collect((await sm.open("example.com", "archive", "archive")).users()), ["bob"]);
    });
  });
}

for (const [name, make, available] of engines) {
  test(`bulkAppend: a key given twice in one batch keeps the later item, at the later place (${name})`, { skip: !available }, async (t) => {
  const { sm, backend } = await setup(t, make);
  await backend.bulkAppend([
    { user: "u", store: "archive", key: "a", value: msg("a1"), when: 1 },
    { user: "u", store: "archive", key: "b", value: msg("b"), when: 2 },
    { user: "u", store: "archive", key: "a", value: msg("a2"), when: 3 },
  ]);
  const items = await collect(await (await sm.open("example.com", "archive", "archive")).find("u"));
  assert.deepEqual(items.map((i) => i.value.getChildText("body")), ["b", "a2"]);
});
}

test("hosts with the same sql settings share one connection; other settings get their own", async (t) => {
  const [one, two] = [await sqliteDatabase(), await sqliteDatabase()];
  const sm = new StorageManager({
    storage: "sql",
    sql: one.sql,
    data_path: one.dataPath,
    hosts: { "other.example": { storage: "sql", sql: two.sql, data_path: two.dataPath } },
  });
  t.after(async () => {
    await sm.close();
    await one.drop();
    await two.drop();
  });
  const engineOf = async (host: string) => ((await unguardedBackend(sm, host, "roster")).backend as SqlBackend).engine;
  assert.equal(await engineOf("a.example"), await engineOf("b.example"));
  assert.notEqual(await engineOf("a.example"), await engineOf("other.example"));
});
