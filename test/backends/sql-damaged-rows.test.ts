// Damaged rows (issue 12, items 5 and 9): a row with NULL columns (a schema older than Prosody
// 0.12 allows them), an unknown value type, or XML that does not parse fails the item it
// belongs to with backend-failure naming database, host, store and user; everything that does
// not need that row still answers.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Element } from "ltx";
import { StorageManager } from "../../src/stores/storage-manager.js";
import type { StorageConfig } from "../../src/contracts/index.js";
import { StorageError } from "../../src/errors.js";
import { assertValue, collect, rejectsWith } from "../conformance/index.js";
import { mysqlDatabase, postgresDatabase, rawSql, serverAvailable, sqliteDatabase, type TestDatabase } from "../sql/databases.js";

const engines: Array<[string, boolean, () => Promise<TestDatabase>]> = [
  ["SQLite", true, sqliteDatabase],
  ["PostgreSQL", await serverAvailable("PostgreSQL"), postgresDatabase],
  ["MariaDB", await serverAvailable("MySQL"), mysqlDatabase],
];

const HOST = "damaged.example";
const T0 = 1_700_000_000;

/** Prosody's columns without NOT NULL, as in schemas older than Prosody 0.12. */
function allowNulls(db: TestDatabase): Array<[string]> {
  const columns = { prosody: ["host", "user", "store", "key", "type", "value"], prosodyarchive: ["host", "user", "store", "key", "when", "with", "type", "value"] };
  if (db.sql.driver === "SQLite3") {
    return Object.entries(columns).map(([table, names]) => [
      `CREATE TABLE "${table}" (${table === "prosodyarchive" ? '"sort_id" INTEGER PRIMARY KEY AUTOINCREMENT, ' : ""}${names.map((n) => `"${n}" ${n === "when" ? "INTEGER" : "TEXT"}`).join(", ")})`,
    ]);
  }
  return Object.entries(columns).flatMap(([table, names]) =>
    names.map((n): [string] =>
      db.sql.driver === "PostgreSQL"
        ? [`ALTER TABLE "${table}" ALTER COLUMN "${n}" DROP NOT NULL`]
        : [`ALTER TABLE "${table}" MODIFY "${n}" ${n === "when" ? "INTEGER" : n === "value" ? "MEDIUMTEXT" : "TEXT"} NULL`],
    ),
  );
}

/** Damaged keyval rows, one user each: [user, key, type, value]. */
const BAD_KEYVAL: Array<[string, string | null, string | null, string | null, RegExp]> = [
  ["nulltype", "k", null, "x", /"type" is NULL/],
  ["nullvalue", "k", "string", null, /"value" is NULL/],
  ["nullkey", null, "string", "x", /"key" is NULL/],
  ["unknowntype", "k", "blob", "x", /unknown value type "blob"/],
  ["badxml", "k", "xml", "<?xml version='1.0'?>", /cannot read/],
];

/** Damaged archive rows, one user each: [user, key, when, with, type, value]. */
const BAD_ARCHIVE: Array<[string, string | null, number | null, string | null, string | null, string | null, RegExp]> = [
  ["a-nullkey", null, T0 + 1, "x@example.com", "xml", "<message/>", /"key" is NULL/],
  ["a-nullwhen", "bad", null, "x@example.com", "xml", "<message/>", /"when" is NULL/],
  ["a-nullwith", "bad", T0 + 1, null, "xml", "<message/>", /"with" is NULL/],
  ["a-nulltype", "bad", T0 + 1, "x@example.com", null, "<message/>", /"type" is NULL/],
  ["a-unknowntype", "bad", T0 + 1, "x@example.com", "blob", "<message/>", /unknown value type "blob"/],
  ["a-piname", "bad", T0 + 1, "x@example.com", "xml", "<?xml/>", /item bad/],
  ["a-bangname", "bad", T0 + 1, "x@example.com", "xml", "<message><!x/></message>", /item bad/],
];

for (const [engine, available, make] of engines) {
  describe(`sql damaged rows: ${engine}`, { skip: available ? false : `${engine} is not reachable` }, () => {
    let db: TestDatabase;
    let config: StorageConfig;
    test.before(async () => {
      db = await make();
      config = { storage: "sql", sql: db.sql, ...(db.dataPath ? { data_path: db.dataPath } : {}) };
      if (db.sql.driver === "SQLite3") await rawSql(db, allowNulls(db));
      const sm = new StorageManager(config);
      await (await sm.open(HOST, "private")).set("good", { k: "fine" });
      await sm.close();
      if (db.sql.driver !== "SQLite3") await rawSql(db, allowNulls(db));
    });
    test.after(() => db.drop());

    /** The error names the database, host, store and user. */
    const named = (error: StorageError, store: string, user: string, detail: RegExp) => {
      assert.equal(error.condition, "backend-failure");
      for (const part of [db.sql.database!, HOST, store, user]) assert.ok(error.message.includes(part), `"${part}" in: ${error.message}`);
      assert.match(error.message, detail);
    };

    test("a damaged keyval row fails that user's get naming it; other users still read", async (t) => {
      await rawSql(
        db,
        BAD_KEYVAL.map(([user, key, type, value]) => [`INSERT INTO "prosody" ("host", "user", "store", "key", "type", "value") VALUES (?, ?, 'private', ?, ?, ?)`, [HOST, user, key, type, value]]),
      );
      const sm = new StorageManager(config);
      t.after(() => sm.close());
      const keyval = await sm.open(HOST, "private");
      const map = await sm.open(HOST, "private", "map");
      for (const [user, key, , , detail] of BAD_KEYVAL) {
        named(await rejectsWith(keyval.get(user), "backend-failure"), "private", user, detail);
        // A row without a key is no key's row: a map get of a key does not read it.
        if (key === null) assert.equal(await map.get(user, "k"), undefined);
        else named(await rejectsWith(map.get(user, "k"), "backend-failure"), "private", user, detail);
      }
      assertValue(await keyval.get("good"), { k: "fine" });
      assert.equal(await map.get("good", "k"), "fine");
    });

    test("a damaged archive row fails that item naming it; the items around it and the count still answer", async (t) => {
      const sm = new StorageManager(config);
      t.after(() => sm.close());
      const archive = await sm.open(HOST, "archive", "archive");
      const message = (body: string) => new Element("message", { type: "chat" }).c("body").t(body).root();
      for (const [user, key, when, with_, type, value, detail] of BAD_ARCHIVE) {
        const older = await archive.append(user, null, message("older"), T0);
        await rawSql(db, [
          [`INSERT INTO "prosodyarchive" ("host", "user", "store", "key", "when", "with", "type", "value") VALUES (?, ?, 'archive', ?, ?, ?, ?, ?)`, [HOST, user, key, when, with_, type, value]],
        ]);
        const newer = await archive.append(user, null, message("newer"), T0 + 2);
        const [newest] = await collect(await archive.find(user, { reverse: true, limit: 1 }));
        assert.equal(newest.id, newer, `${user}: the newest item is read past the damaged one`);
        assert.equal((await archive.find(user, { total: true, limit: 0 })).total, 3);
        assert.deepEqual((await collect(await archive.find(user, { ids: [older, newer] }))).map((i) => i.id), [older, newer]);
        assert.equal((await archive.get(user, older))?.value.getChildText("body"), "older");
        const seen: string[] = [];
        const error = await rejectsWith(
          (async () => {
            for await (const item of await archive.find(user)) seen.push(item.id);
          })(),
          "backend-failure",
        );
        assert.deepEqual(seen, [older], `${user}: items before the damaged one are given`);
        named(error, "archive", user, detail);
      }
    });
  });
}
