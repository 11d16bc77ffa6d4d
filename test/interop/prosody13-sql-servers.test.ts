// Prosody 13's SQL schema on the server engines: a database xmppstore creates for a 13
// deployment has 13's key index (`prosody_unique_index`, unique on PostgreSQL, not unique on
// MySQL/MariaDB, as 13's own create_table makes it), real Prosody 13 starts on it without asking
// for an upgrade, and both sides read what the other wrote, map writes (UPSERTs on PostgreSQL)
// included. SQLite's case is in prosody13-forms.test.ts.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Element } from "ltx";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { UUID_V7 } from "../../src/archive/ids.js";
import { collect } from "../conformance/index.js";
import { ProsodyBatch } from "../helpers/prosody.js";
import { prosodyEnvForTest, withMysql, withPostgres, type ProsodyEnv } from "../helpers/prosody-env.js";

const HOST = "example.com";
const msg = (body: string) => new Element("message", { xmlns: "jabber:client", type: "chat" }).c("body").t(body).root();
const contact = (subscription: string) => ({ subscription, groups: {} });

/** The prosody table's indexes on the server: name → unique. */
async function keyIndexes(env: ProsodyEnv): Promise<Record<string, boolean>> {
  const database = env.sql!.database;
  if (env.kind === "postgres") {
    const found = await withPostgres(database, (c) => c.query(`SELECT "indexname", "indexdef" FROM "pg_indexes" WHERE "tablename" = 'prosody'`));
    return Object.fromEntries(found.rows.map((row: { indexname: string; indexdef: string }) => [row.indexname, /^CREATE UNIQUE/i.test(row.indexdef)]));
  }
  const [found] = await withMysql((c) =>
    c.query(`SELECT DISTINCT INDEX_NAME AS name, NON_UNIQUE AS nonUnique FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'prosody'`, [database]),
  );
  return Object.fromEntries((found as Array<{ name: string; nonUnique: number }>).map((row) => [row.name, Number(row.nonUnique) === 0]));
}

for (const kind of ["postgres", "mysql"] as const) {
  const unique = kind === "postgres";
  describe(`Prosody 13's SQL schema (${kind})`, () => {
    test(`a new database made with prosody_version 13 has prosody_unique_index (${unique ? "unique" : "not unique"}), which Prosody 13 uses as it is`, async (t) => {
      const env = await prosodyEnvForTest(t, kind, [HOST], "13");
      if (!env) return;
      const sm = new StorageManager({ ...env.xmppstoreConfig, prosody_version: "13" });
      let ours: string;
      try {
        await (await sm.open(HOST, "roster")).set("juliet", { "romeo@montague.example": contact("none") });
        const roster = await sm.open(HOST, "roster", "map");
        await roster.set("juliet", "nurse@capulet.example", contact("to"));
        await roster.set("juliet", "romeo@montague.example", contact("both")); // an existing key: UPSERT on PostgreSQL
        ours = await (await sm.open(HOST, "archive", "archive")).append("juliet", null, msg("ours"), 1_700_000_000, "romeo@montague.example");
        assert.match(ours, UUID_V7);
      } finally {
        await sm.close();
      }
      assert.deepEqual(await keyIndexes(env), { prosody_unique_index: unique });

      // Prosody 13 checks the schema when it connects and refuses one it would upgrade, so
      // every operation here succeeding is its "nothing to upgrade".
      const p = new ProsodyBatch(env.setup);
      const read = p.keyvalGet(HOST, "roster", "juliet");
      void p.mapSet(HOST, "roster", "juliet", "nurse@capulet.example", contact("from")); // 13's UPSERT on PostgreSQL
      void p.mapSet(HOST, "roster", "juliet", "tybalt@capulet.example", contact("none"));
      void p.archiveAppend(HOST, "archive", "juliet", { value: msg("theirs"), when: 1_700_000_001, with: "romeo@montague.example" });
      const found = p.archiveFind(HOST, "archive", "juliet", { after: ours });
      await p.run();
      assert.deepEqual(await read, { "romeo@montague.example": contact("both"), "nurse@capulet.example": contact("to") });
      const theirs = (await found).items;
      assert.deepEqual(theirs.map((item) => (item.value as Element).getChildText("body")), ["theirs"]);
      assert.match(theirs[0]!.id, UUID_V7);
      assert.deepEqual(await keyIndexes(env), { prosody_unique_index: unique }, "Prosody 13 changed no index");

      const again = new StorageManager({ ...env.xmppstoreConfig, prosody_version: "13" });
      try {
        const roster = await again.open(HOST, "roster", "map");
        assert.deepEqual(await roster.get("juliet", "nurse@capulet.example"), contact("from"));
        await roster.set("juliet", "tybalt@capulet.example", contact("to"));
        assert.deepEqual({ ...(await roster.getAll("tybalt@capulet.example")) }, { juliet: contact("to") }, "one row per key after both sides' writes");
        const items = await collect(await (await again.open(HOST, "archive", "archive")).find("juliet"));
        assert.deepEqual(items.map((item) => item.id), [ours, theirs[0]!.id]);
      } finally {
        await again.close();
      }
      const last = new ProsodyBatch(env.setup);
      const tybalt = last.mapGet(HOST, "roster", "juliet", "tybalt@capulet.example");
      await last.run();
      assert.deepEqual(await tybalt, contact("to"));
    });
  });
}
