// xmppstore writes Prosody 13's forms for a 13 deployment, checked against real Prosody 13:
// archive ids in 13's UUIDv7 form (internal and SQL), accounts stamped created/updated as 13's
// own account code stamps them, and 13's SQL schema (prosody_unique_index) for a new database;
// a database 13 made is recognised as 13's without the option, and kept without 0.12's index.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { copyFile, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import Database from "better-sqlite3";
import { Element } from "ltx";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { UUID_V7, uuidV7Id } from "../../src/archive/ids.js";
import { collect } from "../conformance/index.js";
import { LUA, PROSODY_VERSIONS, ProsodyBatch, prosodyProcessEnv } from "../helpers/prosody.js";
import { prosodyEnvForTest, type ProsodyEnv, type ProsodyEnvKind } from "../helpers/prosody-env.js";

const HOST = "example.com";
const msg = (body: string) => new Element("message", { xmlns: "jabber:client", type: "chat" }).c("body").t(body).root();

function sqliteIndexes(file: string): Record<string, boolean> {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare(`SELECT "name", "sql" FROM "sqlite_master" WHERE "type" = 'index' AND "tbl_name" = 'prosody'`).all() as Array<{ name: string; sql: string }>;
    return Object.fromEntries(rows.map((r) => [r.name, /^CREATE UNIQUE/i.test(r.sql)]));
  } finally {
    db.close();
  }
}

/** Accounts made by Prosody 13's own usermanager (test/stores/lua/auth.lua). */
function prosodyCreates(env: ProsodyEnv, user: string, password: string): void {
  const request = { data_path: env.setup.dataPath, host: HOST, options: env.setup.hosts[HOST], ops: [{ op: "create", user, password }] };
  const script = new URL("../stores/lua/auth.lua", import.meta.url).pathname;
  const run = spawnSync(LUA, [script], { input: JSON.stringify(request), encoding: "utf8", env: prosodyProcessEnv(env.version) });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /"ok":true/);
}

test("13's UUIDv7 ids: the form util.uuid.v7 makes, ordered by the time of writing", () => {
  const id = uuidV7Id(1_700_000_000.5);
  assert.match(id, UUID_V7);
  // 36 bits of seconds, then 12 + 12 bits of fraction around the version nibble.
  assert.equal(id.slice(0, 13), `${Math.floor(1_700_000_000 / 16).toString(16).padStart(8, "0")}-${(1_700_000_000 % 16).toString(16)}800`);
  assert.equal(id.slice(14, 18), "7000");
  assert.ok(uuidV7Id(1_700_000_001) > id && uuidV7Id(1_700_000_000.25) < id);
});

for (const kind of ["internal", "sqlite"] as const satisfies ProsodyEnvKind[]) {
  describe(`Prosody 13's forms (${kind})`, () => {
    test("with prosody_version 13, new archive ids are 13's UUIDv7 ids, which Prosody 13 pages by like its own", async (t) => {
      const env = await prosodyEnvForTest(t, kind, [HOST], "13");
      if (!env) return;
      const sm = new StorageManager({ ...env.xmppstoreConfig, prosody_version: "13" });
      const ours: string[] = [];
      try {
        const archive = await sm.open(HOST, "archive", "archive");
        for (let i = 0; i < 4; i++) ours.push(await archive.append("juliet", null, msg(`ours ${i}`), 1_700_000_000 + i, "romeo@montague.example"));
      } finally {
        await sm.close();
      }
      const p = new ProsodyBatch(env.setup);
      const theirs = p.archiveAppend(HOST, "archive", "juliet", { value: msg("theirs"), when: 1_700_000_010, with: "romeo@montague.example" });
      const after = p.archiveFind(HOST, "archive", "juliet", { after: ours[1] });
      const before = p.archiveFind(HOST, "archive", "juliet", { before: ours[2], reverse: true });
      await p.run();
      for (const id of [...ours, await theirs]) assert.match(id, UUID_V7, `${id} has 13's form`);
      assert.deepEqual((await after).items.map((item) => item.id), [ours[2], ours[3], await theirs]);
      assert.deepEqual((await before).items.map((item) => item.id), [ours[1], ours[0]]);
    });

    test("with prosody_version 13, accounts carry created and updated as 13's own create_user writes them", async (t) => {
      const env = await prosodyEnvForTest(t, kind, [HOST], "13");
      if (!env) return;
      prosodyCreates(env, "nurse", "by Prosody");
      const started = Math.floor(Date.now() / 1000);
      const sm = new StorageManager({ ...env.xmppstoreConfig, prosody_version: "13" });
      try {
        await sm.accounts(HOST).create("jüliet", "by xmppstore");
        const accounts = await sm.open(HOST, "accounts");
        const ours = (await accounts.get("jüliet")) as Record<string, unknown>;
        const theirs = (await accounts.get("nurse")) as Record<string, unknown>;
        assert.deepEqual(Object.keys(ours).sort(), Object.keys(theirs).sort(), "the same fields as 13's record");
        assert.equal(ours.created, ours.updated);
        assert.ok((ours.created as number) >= started);
        await new Promise((resolve) => setTimeout(resolve, 1100));
        await sm.accounts(HOST).setPassword("jüliet", "changed");
        const changed = (await accounts.get("jüliet")) as Record<string, unknown>;
        assert.equal(changed.created, ours.created);
        assert.ok((changed.updated as number) > (ours.updated as number), "a change stamps updated");
      } finally {
        await sm.close();
      }
    });
  });
}

test("with prosody_version 13, every list xmppstore writes has the .lidx Prosody 13 builds for it", async (t) => {
  const env = await prosodyEnvForTest(t, "internal", [HOST], "13");
  if (!env) return;
  const dir = join(env.setup.dataPath, "example%2ecom");
  /** Prosody 13's own index of the same list: a copy without one, which its next read indexes. */
  const theirIndex = async () => {
    await rm(join(dir, "archive", "copy.lidx"), { force: true });
    await copyFile(join(dir, "archive", "juliet.list"), join(dir, "archive", "copy.list"));
    const p = new ProsodyBatch(env.setup);
    void p.archiveFind(HOST, "archive", "copy", { limit: 1 });
    await p.run();
    return readFile(join(dir, "archive", "copy.lidx"));
  };
  const sm = new StorageManager({ ...env.xmppstoreConfig, prosody_version: "13" });
  try {
    const archive = await sm.open(HOST, "archive", "archive");
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await archive.append("juliet", null, msg(`ours ${i} ❤`), 1_700_000_000 + i, "romeo@montague.example"));
    assert.deepEqual(await readFile(join(dir, "archive", "juliet.lidx")), await theirIndex(), "after appends");
    await archive.delete("juliet", { key: ids[1] }); // a rewrite
    assert.deepEqual(await readFile(join(dir, "archive", "juliet.lidx")), await theirIndex(), "after a rewrite");
  } finally {
    await sm.close();
  }
  // Prosody 13 reads through the index xmppstore wrote.
  const p = new ProsodyBatch(env.setup);
  const found = p.archiveFind(HOST, "archive", "juliet", { reverse: true, limit: 2 });
  await p.run();
  assert.deepEqual((await found).items.map((item) => (item.value as Element).getChildText("body")), ["ours 4 ❤", "ours 3 ❤"]);
});

describe("Prosody 13's SQL schema (SQLite)", () => {
  test("a new database made with prosody_version 13 has 13's unique key index, and Prosody 13 keeps it as it is", async (t) => {
    const env = await prosodyEnvForTest(t, "sqlite", [HOST], "13");
    if (!env) return;
    const sm = new StorageManager({ ...env.xmppstoreConfig, prosody_version: "13" });
    try {
      await (await sm.open(HOST, "roster")).set("juliet", { "romeo@montague.example": { subscription: "both", groups: {} } });
    } finally {
      await sm.close();
    }
    assert.deepEqual(sqliteIndexes(env.sql!.database), { prosody_unique_index: true });
    const p = new ProsodyBatch(env.setup);
    void p.mapSet(HOST, "roster", "juliet", "nurse@capulet.example", { subscription: "to", groups: {} });
    const read = p.keyvalGet(HOST, "roster", "juliet");
    await p.run();
    assert.deepEqual(Object.keys((await read) as object).sort(), ["nurse@capulet.example", "romeo@montague.example"]);
    assert.deepEqual(sqliteIndexes(env.sql!.database), { prosody_unique_index: true }, "Prosody 13 found nothing to upgrade");
  });

  test("a database Prosody 13 made is served as 13's without the option: no 0.12 index added, UUIDv7 ids", async (t) => {
    const env = await prosodyEnvForTest(t, "sqlite", [HOST], "13");
    if (!env) return;
    const p = new ProsodyBatch(env.setup);
    void p.keyvalSet(HOST, "vcard", "juliet", { name: "vCard", attr: { xmlns: "vcard-temp" } });
    await p.run();
    const sm = new StorageManager(env.xmppstoreConfig);
    try {
      const archive = await sm.open(HOST, "archive", "archive");
      const id = await archive.append("juliet", null, msg("hello"), 1_700_000_000, "romeo@montague.example");
      assert.match(id, UUID_V7);
      assert.equal((await collect(await archive.find("juliet"))).length, 1);
    } finally {
      await sm.close();
    }
    assert.deepEqual(sqliteIndexes(env.sql!.database), { prosody_unique_index: true });
  });

  test("a 0.12 database stays 0.12's: its index, and 0.12's random UUID ids", async (t) => {
    const env = await prosodyEnvForTest(t, "sqlite", [HOST], "0.12");
    if (!env) return;
    const sm = new StorageManager(env.xmppstoreConfig);
    try {
      const id = await (await sm.open(HOST, "archive", "archive")).append("juliet", null, msg("hello"), 1_700_000_000, "romeo@montague.example");
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    } finally {
      await sm.close();
    }
    assert.deepEqual(sqliteIndexes(env.sql!.database), { prosody_index: false });
  });
});

/** The SQLite rowid of one prosody row: an UPSERT keeps it, DELETE + INSERT makes a new one. */
function rowidOf(file: string, key: string): number | undefined {
  const db = new Database(file, { readonly: true });
  try {
    const row = db.prepare(`SELECT rowid AS "id" FROM "prosody" WHERE "store" = 'roster' AND "key" = ?`).get(key) as { id: number } | undefined;
    return row?.id;
  } finally {
    db.close();
  }
}

describe("Prosody 13's map writes and sqlite_tune (SQLite)", () => {
  for (const version of PROSODY_VERSIONS) {
    test(`map keys are written ${version === "13" ? "as UPSERTs, in place, on 13's schema" : "by DELETE + INSERT on 0.12's schema"}, as Prosody ${version} writes them`, async (t) => {
      const env = await prosodyEnvForTest(t, "sqlite", [HOST], version);
      if (!env) return;
      const sm = new StorageManager({ ...env.xmppstoreConfig, prosody_version: version });
      const roster = await sm.open(HOST, "roster", "map");
      try {
        await roster.set("juliet", "romeo@montague.example", { subscription: "to", groups: {} });
        const before = rowidOf(env.sql!.database, "romeo@montague.example");
        await roster.set("juliet", "nurse@capulet.example", { subscription: "none", groups: {} });
        await roster.set("juliet", "romeo@montague.example", { subscription: "both", groups: {} });
        const after = rowidOf(env.sql!.database, "romeo@montague.example");
        if (version === "13") assert.equal(after, before, "the row was updated in place");
        else assert.ok(after! > before!, "the row was replaced");
      } finally {
        await sm.close();
      }
      // Prosody itself writes the same way: its map set of an existing key.
      const p = new ProsodyBatch(env.setup);
      const theirsBefore = rowidOf(env.sql!.database, "nurse@capulet.example");
      void p.mapSet(HOST, "roster", "juliet", "nurse@capulet.example", { subscription: "from", groups: {} });
      const read = p.mapGet(HOST, "roster", "juliet", "romeo@montague.example");
      await p.run();
      assert.deepEqual(await read, { subscription: "both", groups: {} });
      const theirsAfter = rowidOf(env.sql!.database, "nurse@capulet.example");
      if (version === "13") assert.equal(theirsAfter, theirsBefore);
      else assert.ok(theirsAfter! > theirsBefore!);
    });
  }

  for (const tune of ["normal", "safe"] as const) {
    test(`sqlite_tune = "${tune}" sets the vacuum and journal modes Prosody 13 asks for`, async (t) => {
      const theirs = await prosodyEnvForTest(t, "sqlite", [HOST], "13");
      const ours = theirs && (await prosodyEnvForTest(t, "sqlite", [HOST], "13"));
      if (!theirs || !ours) return;
      theirs.setup.hosts[HOST]!.sqlite_tune = tune;
      const p = new ProsodyBatch(theirs.setup);
      void p.keyvalSet(HOST, "vcard", "juliet", { name: "vCard", attr: { xmlns: "vcard-temp" } });
      await p.run();
      const sm = new StorageManager({ ...ours.xmppstoreConfig, prosody_version: "13", sqlite_tune: tune });
      try {
        await (await sm.open(HOST, "vcard")).set("juliet", { name: "vCard", attr: { xmlns: "vcard-temp" } });
      } finally {
        await sm.close();
      }
      const modes = (file: string) => {
        const db = new Database(file, { readonly: true });
        try {
          return { journal: db.pragma("journal_mode", { simple: true }), autoVacuum: db.pragma("auto_vacuum", { simple: true }) };
        } finally {
          db.close();
        }
      };
      assert.equal(modes(ours.sql!.database).autoVacuum, modes(theirs.sql!.database).autoVacuum, "auto_vacuum as Prosody 13 leaves it (set after the tables exist, it changes nothing)");
      // 13 asks for this journal mode too, but through LuaDBI (Debian's driver) the PRAGMA runs
      // inside an implicit transaction, where SQLite cannot change it (13's own comment says so).
      assert.equal(modes(ours.sql!.database).journal, tune === "normal" ? "wal" : "delete");
    });
  }

  test("a bad sqlite_tune is refused with invalid-input", async () => {
    const sm = new StorageManager({ storage: "sql", sql: { driver: "SQLite3", database: ":memory:" }, sqlite_tune: "turbo" });
    try {
      await assert.rejects(sm.open(HOST, "vcard"), (error: Error & { condition?: string }) => error.condition === "invalid-input" && /sqlite_tune/.test(error.message));
    } finally {
      await sm.close();
    }
  });
});
