// Values Prosody's own SQL backend loses (14-digit floats, inf, top-level false, NUL, CR/LF and
// tabs in stanzas): xmppstore writes them so that Prosody reads them back exactly, reads what
// Prosody wrote as it is, and refuses what a column cannot hold before writing anything.
import assert from "node:assert/strict";
import { describe, test, type TestContext } from "node:test";
import { Element } from "ltx";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { LuaTable, elementsEqual, type Value } from "../../src/values/index.js";
import { needService } from "../helpers/services.js";
import { prosodyAvailable, ProsodyBatch } from "../helpers/prosody.js";
import { makeProsodyEnv, prosodyEnvAvailable, type ProsodyEnv } from "../helpers/prosody-env.js";
import { assertValue, collect, rejectsWith } from "../conformance/index.js";
import { mysqlDatabase, postgresDatabase, serverAvailable, sqliteDatabase } from "../sql/databases.js";

const HOST = "example.com";
const T0 = 1_700_000_000;

function quirks(byteStrings: boolean): Value {
  const table = LuaTable.from(
    {
      third: 1 / 3,
      stamp: 1700000000.123456,
      sum: 0.1 + 0.2,
      float60: 2 ** 60,
      inf: Infinity,
      ninf: -Infinity,
      max: 2n ** 63n - 1n,
      min: -(2n ** 63n),
      nul: "a\0b",
      flag: false,
      nested: { x: 0.1 + 0.2, list: [Infinity, -0.5, "c\0d"] },
      "": "empty key",
    },
    [[false, { version: 3 }]],
  );
  if (byteStrings) table.set("bytes", Uint8Array.from([0xff, 0xfe, 0x41]));
  return table;
}

function awkwardStanza(): Element {
  const stanza = new Element("message", { xmlns: "jabber:client", type: "chat", note: "tab\there\nnew line\r\nCRLF" });
  stanza.c("body").t("line one\r\nline two\rthree\n\tend");
  return stanza;
}

async function envFor(t: TestContext, kind: "sqlite" | "postgres"): Promise<ProsodyEnv | undefined> {
  if (!needService(t, "prosody", prosodyAvailable(), "apt-get install prosody lua5.4")) return undefined;
  if (!needService(t, `Prosody's ${kind} storage`, await prosodyEnvAvailable(kind))) return undefined;
  const env = await makeProsodyEnv(kind, [HOST]);
  t.after(() => env.cleanup());
  return env;
}

for (const kind of ["sqlite", "postgres"] as const) {
  describe(`values Prosody's SQL backend loses (${kind})`, () => {
    test("xmppstore writes them so that Prosody reads them back exactly", async (t) => {
      const env = await envFor(t, kind);
      if (!env) return;
      const value = quirks(kind === "sqlite");
      const sm = new StorageManager(env.xmppstoreConfig);
      try {
        await (await sm.open(HOST, "quirks")).set("alice", value);
        await (await sm.open(HOST, "archive", "archive")).append("alice", "item-1", awkwardStanza(), T0, "bob@example.com");
      } finally {
        await sm.close();
      }
      const p = new ProsodyBatch(env.setup);
      const read = p.keyvalGet(HOST, "quirks", "alice");
      const found = p.archiveFind(HOST, "archive", "alice");
      await p.run();
      assertValue(await read, value, "Prosody's keyval get");
      const [item] = (await found).items;
      assert.ok(elementsEqual(item.value as Element, awkwardStanza()), `Prosody read ${String(item.value)}`);
    });

    test("xmppstore reads what Prosody wrote, including what Prosody cannot read itself", async (t) => {
      const env = await envFor(t, kind);
      if (!env) return;
      const p = new ProsodyBatch(env.setup);
      void p.keyvalSet(HOST, "quirks", "alice", { third: 1 / 3, inf: Infinity, big: 2n ** 62n, text: "x" });
      await p.run();
      const sm = new StorageManager(env.xmppstoreConfig);
      try {
        assertValue(await (await sm.open(HOST, "quirks")).get("alice"), { third: 0.33333333333333, inf: Infinity, big: 2n ** 62n, text: "x" });
      } finally {
        await sm.close();
      }
    });
  });
}

describe("values a column cannot hold are refused before anything is written", () => {
  test("PostgreSQL: strings that are not UTF-8, NaN, times beyond int4; fractions rounded down", async (t) => {
    if (!(await serverAvailable("PostgreSQL"))) return t.skip("PostgreSQL is not reachable");
    const db = await postgresDatabase();
    const sm = new StorageManager({ storage: "sql", sql: db.sql });
    t.after(async () => {
      await sm.close();
      await db.drop();
    });
    const kv = await sm.open(HOST, "test");
    await kv.set("alice", { old: 1, kept: "yes" });
    await rejectsWith(kv.set("alice", { fine: 1, bad: Uint8Array.from([0xff]) }), "unsupported-datatype", /not valid UTF-8/);
    await rejectsWith(kv.set("alice", { fine: 1, bad: { deep: NaN } }), "unsupported-datatype", /NaN/);
    assertValue(await kv.get("alice"), { old: 1, kept: "yes" });
    const map = await sm.open(HOST, "test", "map");
    await map.set("alice", "with\0nul", "key the column cannot hold");
    assert.equal(await map.get("alice", "with\0nul"), "key the column cannot hold");
    const archive = await sm.open(HOST, "archive", "archive");
    await rejectsWith(archive.append("alice", null, new Element("m"), 2 ** 31), "invalid-input", /2147483647/);
    await rejectsWith(archive.append("alice", null, new Element("m"), T0, "nul\0with"), "invalid-input");
    assert.deepEqual(await collect(await archive.find("alice")), []);
    await archive.append("alice", "frac", new Element("m"), T0 + 0.75);
    assert.equal((await archive.get("alice", "frac"))?.when, T0, "int4 holds whole seconds");
  });

  test("SQLite: byte strings kept, fractional and post-2038 times kept exactly", async (t) => {
    const db = await sqliteDatabase();
    const sm = new StorageManager({ storage: "sql", sql: db.sql, data_path: db.dataPath });
    t.after(async () => {
      await sm.close();
      await db.drop();
    });
    const kv = await sm.open(HOST, "test");
    const value = { bytes: Uint8Array.from([0xff, 0x00, 0x80]), top: Uint8Array.from([0xc3]) };
    await kv.set("alice", value);
    assertValue(await kv.get("alice"), value);
    const archive = await sm.open(HOST, "archive", "archive");
    await archive.append("alice", "frac", new Element("m"), T0 + 0.25);
    await archive.append("alice", "late", new Element("m"), 4102444800);
    assert.equal((await archive.get("alice", "frac"))?.when, T0 + 0.25);
    assert.equal((await archive.get("alice", "late"))?.when, 4102444800);
    assert.deepEqual((await collect(await archive.find("alice", { start: 4102444800 }))).map((i) => i.id), ["late"]);
  });
});

test("MariaDB: names its collation would alias (trailing spaces) are refused; such map keys live in the extra row", async (t) => {
  if (!(await serverAvailable("MySQL"))) return t.skip("MariaDB is not reachable");
  const db = await mysqlDatabase();
  const sm = new StorageManager({ storage: "sql", sql: db.sql });
  t.after(async () => {
    await sm.close();
    await db.drop();
  });
  const kv = await sm.open(HOST, "test");
  await kv.set("alice", { x: 1 });
  await rejectsWith(kv.get("alice "), "invalid-input", /trailing spaces/);
  await rejectsWith(kv.set("alice ", { x: 2 }), "invalid-input");
  await rejectsWith(sm.open(HOST, "store "), "invalid-input");
  assertValue(await kv.get("alice"), { x: 1 });
  const map = await sm.open(HOST, "test", "map");
  await map.set("alice", "key ", "padded");
  await map.set("alice", "key", "plain");
  assert.equal(await map.get("alice", "key "), "padded");
  assert.equal(await map.get("alice", "key"), "plain");
  assertValue(await kv.get("alice"), { x: 1, "key ": "padded", key: "plain" });
});
