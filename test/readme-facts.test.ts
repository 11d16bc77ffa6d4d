// README.md's statements about defaults and limits, each checked against what the code does.
// (Its code examples run in test/stores/readme.test.ts.)
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it, type TestContext } from "node:test";
import pg from "pg";
import { Element, MAX_DEPTH, StorageManager, stores, type StorageConfig, type Value } from "../src/index.js";
import { unguardedBackend } from "../src/manager/manager.js";
import { rejectsWith } from "./conformance/index.js";
import { needService } from "./helpers/services.js";
import { PG, postgresDatabase, serverAvailable } from "./sql/databases.js";

async function manager(t: TestContext, config: (dir: string) => StorageConfig): Promise<{ sm: StorageManager; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), "xs-facts-"));
  const sm = new StorageManager(config(dir));
  t.after(async () => {
    await sm.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { sm, dir };
}

describe("README: defaults and limits", () => {
  it("`storage_archive_item_limit`: internal 10000, memory 1000, sql none", async (t) => {
    for (const [storage, quota] of [["internal", 10000], ["memory", 1000], ["sql", undefined]] as const) {
      const { sm } = await manager(t, (dir) => ({ storage, data_path: dir, sql: { driver: "SQLite3", database: "prosody.sqlite" } }));
      const archive = await sm.open("example.com", "archive", "archive");
      assert.equal(archive.caps.quota === Infinity ? undefined : archive.caps.quota, quota, storage);
    }
  });

  it("`default_storage` is internal, and a relative SQLite `database` resolves against data_path", async (t) => {
    const { sm, dir } = await manager(t, (data_path) => ({ data_path, storage: { archive: "sql" }, sql: { driver: "SQLite3", database: "x.sqlite" } }));
    assert.equal((await unguardedBackend(sm, "example.com", "roster")).name, "internal");
    await (await sm.open("example.com", "archive", "archive")).append("juliet", null, new Element("message"), 1);
    assert.ok(existsSync(join(dir, "x.sqlite")));
  });

  it("internal: a store name whose encoded form is longer than 249 bytes is invalid-input", async (t) => {
    const { sm } = await manager(t, (data_path) => ({ data_path }));
    await (await sm.open("example.com", "s".repeat(249))).set("juliet", { a: 1 });
    await rejectsWith(sm.open("example.com", "s".repeat(250)).then((kv) => kv.set("juliet", { a: 1 })), "invalid-input");
  });

  it("values nest at most MAX_DEPTH = 190 Lua table levels (a map value starts one down); -0 reads back as -0", async (t) => {
    assert.equal(MAX_DEPTH, 190);
    const nested = (levels: number): Value => (levels === 0 ? "leaf" : { k: nested(levels - 1) });
    for (const storage of ["internal", "memory"] as const) {
      const { sm } = await manager(t, (data_path) => ({ data_path, storage }));
      const kv = await sm.open("example.com", "deep");
      await kv.set("juliet", nested(190));
      await rejectsWith(kv.set("romeo", nested(191)), "unsupported-datatype");
      const map = await sm.open("example.com", "deepmap", "map");
      await map.set("juliet", "k", nested(189));
      await rejectsWith(map.set("juliet", "k", nested(190)), "unsupported-datatype");
      await kv.set("zero", { z: -0 });
      assert.ok(Object.is(((await kv.get("zero")) as { z: number }).z, -0), storage);
    }
  });

  it("accounts: `default_iteration_count` is 10000", async (t) => {
    const { sm } = await manager(t, () => ({ storage: "memory" }));
    await sm.accounts("example.com").create("juliet", "pw");
    const record = (await (await sm.open("example.com", "accounts")).get("juliet")) as Record<string, unknown>;
    assert.equal(record.iteration_count, 10000);
  });

  it("message archive: `archive_expires_after` defaults to one week", async (t) => {
    const { sm } = await manager(t, () => ({ storage: "memory" }));
    const mam = stores(sm).messageArchive("example.com");
    const now = Math.floor(Date.now() / 1000);
    const message = new Element("message", { from: "romeo@montague.example", to: "juliet@example.com" }).c("body").t("x").root();
    await mam.append("juliet", message, { when: now - 7 * 86400 - 60 });
    await mam.append("juliet", message, { when: now - 7 * 86400 + 60 });
    assert.equal(await mam.expire("juliet"), 1);
    assert.equal((await mam.query("juliet", {})).items.length, 1);
  });

  it("PostgreSQL: hosts with the same `sql` settings share one pool of up to 8 connections", async (t) => {
    if (!needService(t, "PostgreSQL", await serverAvailable("PostgreSQL"))) return;
    const db = await postgresDatabase();
    const sm = new StorageManager({ storage: "sql", sql: db.sql });
    t.after(async () => {
      await sm.close();
      await db.drop();
    });
    const stores = await Promise.all(["a.example", "b.example"].map((host) => sm.open(host, "roster")));
    await Promise.all(Array.from({ length: 40 }, (_, i) => stores[i % 2]!.set(`user${i}`, { n: i })));
    const admin = new pg.Client({ host: PG.host, port: PG.port, user: PG.user, database: "postgres" });
    await admin.connect();
    try {
      const { rows } = await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1", [db.sql.database]);
      assert.ok(rows[0].n >= 1 && rows[0].n <= 8, `${rows[0].n} connections`);
    } finally {
      await admin.end();
    }
  });
});
