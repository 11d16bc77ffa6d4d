// Planner statistics of prosodyarchive on PostgreSQL: a never-analysed table is analysed at
// open, and the bulk path (the migrator) analyses as the archive grows, so that no query is
// planned on a table the planner believes empty (which reads whole archives; see statistics.ts).
import assert from "node:assert/strict";
import { describe, test, type TestContext } from "node:test";
import { Element } from "ltx";
import pg from "pg";
import { StorageManager } from "../../src/stores/storage-manager.js";
import type { SqlBackend } from "../../src/backends/sql/index.js";
import { unguardedBackend } from "../../src/manager/manager.js";
import { PG, postgresDatabase, serverAvailable } from "../sql/databases.js";

const msg = (body: string) => new Element("message", { type: "chat" }).c("body").t(body).root();

async function reltuples(database: string): Promise<number> {
  const client = new pg.Client({ ...PG, database });
  await client.connect();
  try {
    const found = await client.query(`SELECT reltuples FROM pg_class WHERE oid = to_regclass('prosodyarchive')`);
    return Number(found.rows[0].reltuples);
  } finally {
    await client.end();
  }
}

async function open(t: TestContext, database: Awaited<ReturnType<typeof postgresDatabase>>) {
  const sm = new StorageManager({ storage: "sql", sql: database.sql });
  t.after(() => sm.close());
  return { sm, backend: (await unguardedBackend(sm, "example.com", "archive")).backend as SqlBackend };
}

const items = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({ user: "juliet", store: "archive", value: msg(`m${from + i}`), when: from + i }));

describe("planner statistics (PostgreSQL)", { skip: (await serverAvailable("PostgreSQL")) ? false : "PostgreSQL is not reachable" }, () => {
  test("the bulk path analyses once it has written as many rows as the statistics know of", async (t) => {
    const database = await postgresDatabase();
    t.after(() => database.drop());
    const { backend } = await open(t, database);
    assert.ok((await reltuples(database.sql.database!)) < 0, "a new table was never analysed");
    await backend.bulkAppend(items(0, 500));
    assert.ok((await reltuples(database.sql.database!)) < 0, "500 rows: not yet");
    await backend.bulkAppend(items(500, 1500));
    assert.equal(await reltuples(database.sql.database!), 2000);
    await backend.bulkAppend(items(2000, 1000));
    assert.equal(await reltuples(database.sql.database!), 2000, "fewer rows than known: not again");
    await backend.bulkAppend(items(3000, 1500));
    assert.equal(await reltuples(database.sql.database!), 4500);
  });

  test("a table with rows that was never analysed is analysed when a manager opens it", async (t) => {
    const database = await postgresDatabase();
    const client = new pg.Client({ ...PG, database: database.sql.database });
    await client.connect();
    t.after(async () => {
      await client.end();
      await database.drop();
    });
    // The schema as xmppstore makes it, filled behind its back (as Prosody or a restore would).
    const first = await open(t, database);
    await first.sm.close();
    await client.query(
      `INSERT INTO prosodyarchive (host, "user", store, "when", "with", key, type, value) ` +
        `SELECT 'example.com', 'romeo', 'archive', i, '', 'k' || i, 'xml', '<message/>' FROM generate_series(1, 300) AS i`,
    );
    assert.ok((await reltuples(database.sql.database!)) < 0);
    await open(t, database);
    assert.equal(await reltuples(database.sql.database!), 300);
  });
});
