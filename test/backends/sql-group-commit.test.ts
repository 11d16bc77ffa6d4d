// Archive appends on the sql backend: group commit (appends that wait together share one
// transaction) and quota counts that do not grow with the archive, on every engine.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test, type TestContext } from "node:test";
import Database from "better-sqlite3";
import { Element } from "ltx";
import { StorageError } from "../../src/errors.js";
import { StorageManager } from "../../src/stores/storage-manager.js";
import type { SqlBackend } from "../../src/backends/sql/index.js";
import type { StorageConfig } from "../../src/contracts/index.js";
import type { Work } from "../../src/backends/sql/connection.js";
import { unguardedBackend } from "../../src/manager/manager.js";
import { collect, rejectsWith } from "../conformance/index.js";
import { mysqlDatabase, postgresDatabase, serverAvailable, sqliteDatabase, type TestDatabase } from "../sql/databases.js";

/** Runs a unit of work, noting the SQL of each statement it asks for. */
function* recorded<T>(work: Work<T>, into: string[]): Work<T> {
  let input: unknown;
  for (;;) {
    const step = work.next(input);
    if (step.done) return step.value;
    into.push(step.value.sql);
    input = yield step.value;
  }
}

const msg = (body: string) => new Element("message", { type: "chat" }).c("body").t(body).root();

async function setup(t: TestContext, make: () => Promise<TestDatabase>, quota?: number) {
  const db = await make();
  const config: StorageConfig = {
    storage: "sql",
    sql: db.sql,
    ...(db.dataPath ? { data_path: db.dataPath } : {}),
    ...(quota === undefined ? {} : { storage_archive_item_limit: quota }),
  };
  const sm = new StorageManager(config);
  t.after(async () => {
    await sm.close();
    await db.drop();
  });
  const backend = (await unguardedBackend(sm, "example.com", "archive")).backend as SqlBackend;
  // Counts the transactions the engine runs (to see appends share them) and the statements.
  const engine = backend.engine as { transaction: SqlBackend["engine"]["transaction"] };
  const original = engine.transaction.bind(engine);
  const transactions = { count: 0, statements: [] as string[] };
  engine.transaction = (what, work, ...rest) => {
    transactions.count++;
    return original(what, () => recorded(work(), transactions.statements), ...rest);
  };
  return { sm, backend, db, transactions, archive: await sm.open("example.com", "archive", "archive") };
}

const engines: Array<[string, () => Promise<TestDatabase>, boolean]> = [
  ["SQLite3", sqliteDatabase, true],
  ["PostgreSQL", postgresDatabase, await serverAvailable("PostgreSQL")],
  ["MySQL", mysqlDatabase, await serverAvailable("MySQL")],
];

for (const [name, make, available] of engines) {
  describe(`sql archive appends (${name})`, { skip: available ? false : `${name} is not reachable` }, () => {
    test("64 appends at once share transactions; each resolves with its own id, in order of its commit", async (t) => {
      const { archive, transactions } = await setup(t, make);
      const ids = await Promise.all(Array.from({ length: 64 }, (_, i) => archive.append(`user${i % 8}`, null, msg(`m${i}`), 1000 + i)));
      assert.equal(new Set(ids).size, 64);
      assert.ok(transactions.count <= 8, `64 appends took ${transactions.count} transactions`);
      for (let u = 0; u < 8; u++) {
        const items = await collect(await archive.find(`user${u}`));
        assert.deepEqual(
          items.map((i) => i.value.getChildText("body")),
          Array.from({ length: 8 }, (_, k) => `m${u + 8 * k}`),
        );
        assert.deepEqual(
          items.map((i) => i.id),
          Array.from({ length: 8 }, (_, k) => ids[u + 8 * k]),
        );
      }
    });

    test("an append that fails among others fails alone, with its own error; the others are stored once", async (t) => {
      const { archive } = await setup(t, make, 3);
      await archive.append("full", null, msg("a"), 1);
      await archive.append("full", null, msg("b"), 2);
      const outcomes = await Promise.allSettled([
        archive.append("free", null, msg("f1"), 3),
        archive.append("full", null, msg("c"), 3),
        archive.append("free", null, msg("f2"), 4),
        archive.append("full", null, msg("d"), 4),
        archive.append("free", null, msg("f3"), 5),
      ]);
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ["fulfilled", "fulfilled", "fulfilled", "rejected", "fulfilled"],
      );
      const refused = (outcomes[3] as PromiseRejectedResult).reason;
      assert.ok(refused instanceof StorageError && refused.condition === "quota-limit", String(refused));
      assert.match(refused.message, /full@example\.com\/archive/);
      assert.deepEqual((await collect(await archive.find("full"))).map((i) => i.value.getChildText("body")), ["a", "b", "c"]);
      assert.deepEqual((await collect(await archive.find("free"))).map((i) => i.value.getChildText("body")), ["f1", "f2", "f3"]);
    });

    test("quota: replacing a key at the limit is allowed; deletes and bulk writes free or take room", async (t) => {
      const { archive, backend } = await setup(t, make, 3);
      for (const key of ["k1", "k2", "k3"]) await archive.append("alice", key, msg(key), 1);
      await rejectsWith(archive.append("alice", null, msg("over"), 2), "quota-limit");
      await archive.append("alice", "k2", msg("k2 again"), 3);
      assert.equal(await archive.delete("alice", { ids: ["k1"] }), 1);
      await archive.append("alice", "k4", msg("k4"), 4);
      await rejectsWith(archive.append("alice", null, msg("over"), 5), "quota-limit");
      assert.equal(await archive.delete("alice", { truncate: 1 }), 2);
      await backend.bulkAppend([{ user: "alice", store: "archive", key: "bulk", value: msg("bulk"), when: 6 }]);
      await archive.append("alice", "k5", msg("k5"), 7);
      await rejectsWith(archive.append("alice", null, msg("over"), 8), "quota-limit");
      assert.deepEqual((await collect(await archive.find("alice"))).map((i) => i.id), ["k4", "bulk", "k5"]);
    });

    // Checked on SQLite, where a second connection is one line; the servers' commits are theirs.
    if (name === "SQLite3") test("each append has committed when it resolves: another connection sees it", async (t) => {
      const { archive, db } = await setup(t, make);
      const other = new Database(join(db.dataPath!, db.sql.database!), { readonly: true });
      t.after(() => other.close());
      const seen = other.prepare(`SELECT count(*) AS n FROM "prosodyarchive" WHERE "key" = ?`);
      await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const id = await archive.append("bob", null, msg(`m${i}`), i);
          assert.equal((seen.get(id) as { n: number }).n, 1, `item ${i} visible when its append resolved`);
        }),
      );
    });
  });
}

describe("sql archive quota counts see other connections (SQLite3)", () => {
  test("rows added or removed by another connection (another process) are counted", async (t) => {
    const { archive, db } = await setup(t, sqliteDatabase, 4);
    for (let i = 0; i < 3; i++) await archive.append("carol", null, msg(`m${i}`), i);
    const other = new Database(join(db.dataPath!, db.sql.database!));
    t.after(() => other.close());
    other
      .prepare(`INSERT INTO "prosodyarchive" ("host", "user", "store", "when", "with", "key", "type", "value") VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
      .run("example.com", "carol", "archive", 10, "", "theirs", "xml", "<message/>");
    await rejectsWith(archive.append("carol", null, msg("over"), 11), "quota-limit");
    other.prepare(`DELETE FROM "prosodyarchive" WHERE "user" = 'carol' AND "key" <> 'theirs'`).run();
    for (let i = 0; i < 3; i++) await archive.append("carol", null, msg(`again${i}`), 20 + i);
    await rejectsWith(archive.append("carol", null, msg("over"), 30), "quota-limit");
    assert.equal((await collect(await archive.find("carol"))).length, 4);
  });

  test("the quota check counts an archive once, not on every append", async (t) => {
    const { archive, backend, transactions, db } = await setup(t, sqliteDatabase, 1_000_000);
    await backend.bulkAppend(Array.from({ length: 2000 }, (_, i) => ({ user: "dave", store: "archive", value: msg(`b${i}`), when: i })));
    transactions.statements.length = 0;
    for (let i = 0; i < 100; i++) await archive.append("dave", null, msg(`a${i}`), 2 + i);
    await Promise.all(Array.from({ length: 100 }, (_, i) => archive.append("dave", null, msg(`c${i}`), 200 + i)));
    const counts = transactions.statements.filter((sql) => /COUNT\(\*\)/i.test(sql));
    assert.equal(counts.length, 1, `${counts.length} counts for 200 appends`);
    // The other connection's write is seen, and counted again, once.
    const other = new Database(join(db.dataPath!, db.sql.database!));
    t.after(() => other.close());
    other.prepare(`DELETE FROM "prosodyarchive" WHERE "key" IN (SELECT "key" FROM "prosodyarchive" WHERE "user" = 'dave' LIMIT 10)`).run();
    await archive.append("dave", null, msg("after"), 400);
    await archive.append("dave", null, msg("after 2"), 401);
    assert.equal(transactions.statements.filter((sql) => /COUNT\(\*\)/i.test(sql)).length, 2);
    assert.equal((await collect(await archive.find("dave"))).length, 2000 + 200 - 10 + 2);
  });
});
