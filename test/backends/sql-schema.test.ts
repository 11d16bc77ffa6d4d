// Prosody's schema: created exactly as Prosody creates it, recognised when Prosody made it,
// and upgraded (never rewritten) when an older Prosody made it.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import Database from "better-sqlite3";
import pg from "pg";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { assertValue } from "../conformance/index.js";
import { needService } from "../helpers/services.js";
import { prosodyAvailable, ProsodyBatch } from "../helpers/prosody.js";
import { makeProsodyEnv, prosodyEnvAvailable } from "../helpers/prosody-env.js";
import { mysqlAdmin, mysqlDatabase, PG, postgresDatabase, serverAvailable, sqliteDatabase } from "../sql/databases.js";

const normalize = (sql: string) => sql.replace(/IF NOT EXISTS /g, "").replace(/;\s*$/, "").replace(/\s+/g, " ").trim();

function sqliteSchema(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare(`SELECT "sql" FROM "sqlite_master" WHERE "name" LIKE 'prosody%' AND "sql" IS NOT NULL`).all() as Array<{ sql: string }>;
    return rows.map((r) => normalize(r.sql)).sort();
  } finally {
    db.close();
  }
}

async function pgSchema(database: string): Promise<string[]> {
  const client = new pg.Client({ ...PG, database });
  await client.connect();
  try {
    const columns = await client.query(
      `SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable AS d FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1`,
    );
    const indexes = await client.query(`SELECT indexdef AS d FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`);
    return [...columns.rows, ...indexes.rows].map((r: { d: string }) => r.d);
  } finally {
    await client.end();
  }
}

async function touch(config: ConstructorParameters<typeof StorageManager>[0]): Promise<void> {
  const sm = new StorageManager(config);
  await (await sm.open("example.com", "roster")).get("nobody");
  await sm.close();
}

async function prosodyTouch(t: TestContext, kind: "sqlite" | "postgres") {
  if (!needService(t, "prosody", prosodyAvailable())) return undefined;
  if (!needService(t, `Prosody's ${kind} storage`, await prosodyEnvAvailable(kind))) return undefined;
  const env = await makeProsodyEnv(kind, ["example.com"]);
  t.after(() => env.cleanup());
  const p = new ProsodyBatch(env.setup);
  void p.keyvalSet("example.com", "roster", "alice", { a: 1 });
  void p.archiveAppend("example.com", "archive", "alice", { value: { name: "m" } as never, when: 1 });
  await p.run();
  return env;
}

test("SQLite: the tables and indexes are Prosody's, statement for statement", async (t) => {
  const env = await prosodyTouch(t, "sqlite");
  if (!env) return;
  const ours = await sqliteDatabase();
  t.after(() => ours.drop());
  await touch({ storage: "sql", sql: ours.sql, data_path: ours.dataPath });
  assert.deepEqual(sqliteSchema(join(ours.dataPath!, "prosody.sqlite")), sqliteSchema(env.sql!.database));
  // And a database Prosody made is used as it is.
  const sm = new StorageManager(env.xmppstoreConfig);
  t.after(() => sm.close());
  assertValue(await (await sm.open("example.com", "roster")).get("alice"), { a: 1 });
});

test("PostgreSQL: the columns, types and indexes are Prosody's", async (t) => {
  const env = await prosodyTouch(t, "postgres");
  if (!env) return;
  const ours = await postgresDatabase();
  t.after(() => ours.drop());
  await touch({ storage: "sql", sql: ours.sql });
  assert.deepEqual(await pgSchema(ours.sql.database), await pgSchema(env.sql!.database));
});

test("SQLite: a schema from an older Prosody gets the missing table and indexes, rows untouched", async (t) => {
  const db = await sqliteDatabase();
  t.after(() => db.drop());
  const file = join(db.dataPath!, "prosody.sqlite");
  const raw = new Database(file);
  raw.exec(`CREATE TABLE "prosody" ("host" TEXT, "user" TEXT, "store" TEXT, "key" TEXT, "type" TEXT, "value" TEXT)`);
  raw.prepare(`INSERT INTO "prosody" VALUES ('example.com', 'alice', 'roster', 'bob@example.com', 'json', '{"subscription":"both"}')`).run();
  raw.close();
  const sm = new StorageManager({ storage: "sql", sql: db.sql, data_path: db.dataPath });
  t.after(() => sm.close());
  assertValue(await (await sm.open("example.com", "roster")).get("alice"), { "bob@example.com": { subscription: "both" } });
  const names = sqliteSchema(file).map((s) => s.split(" ").slice(0, 4).join(" "));
  for (const name of ["prosody_index", "prosodyarchive", "prosodyarchive_index", "prosodyarchive_with_when", "prosodyarchive_when", "prosodyarchive_sort"]) {
    assert.ok(names.some((n) => n.includes(`"${name}"`)), `${name} created: ${names.join("; ")}`);
  }
});

test("MySQL: Prosody 0.12's upgrade of an old schema (TEXT values, unique id index, latin1), data kept", async (t) => {
  if (!needService(t, "MariaDB", await serverAvailable("MySQL"))) return;
  const db = await mysqlDatabase();
  t.after(() => db.drop());
  const q = (sql: string) => mysqlAdmin(`/* ${db.sql.database} */ ${sql.replace(/`db`/g, `\`${db.sql.database}\``)}`);
  await q("CREATE TABLE `db`.`prosody` (`host` TEXT NOT NULL, `user` TEXT NOT NULL, `store` TEXT NOT NULL, `key` TEXT NOT NULL, `type` TEXT NOT NULL, `value` TEXT NOT NULL) CHARACTER SET latin1");
  await q("CREATE INDEX `prosody_index` ON `db`.`prosody` (`host`(20), `user`(20), `store`(20), `key`(20))");
  await q(
    "CREATE TABLE `db`.`prosodyarchive` (`sort_id` INTEGER PRIMARY KEY AUTO_INCREMENT, `host` TEXT NOT NULL, `user` TEXT NOT NULL, `store` TEXT NOT NULL, `key` TEXT NOT NULL, `when` INTEGER NOT NULL, `with` TEXT NOT NULL, `type` TEXT NOT NULL, `value` TEXT NOT NULL) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
  );
  await q("CREATE UNIQUE INDEX `prosodyarchive_index` ON `db`.`prosodyarchive` (`host`(20), `user`(20), `store`(20), `key`(20))");
  await q("INSERT INTO `db`.`prosody` VALUES ('example.com', 'alice', 'vcard', 'fn', 'string', 'Zoe')");
  await q("INSERT INTO `db`.`prosodyarchive` (`host`, `user`, `store`, `key`, `when`, `with`, `type`, `value`) VALUES ('example.com', 'alice', 'archive', 'k1', 1700000000, 'bob@example.com', 'xml', '<message><body>hi</body></message>')");
  const sm = new StorageManager({ storage: "sql", sql: db.sql });
  t.after(() => sm.close());
  assertValue(await (await sm.open("example.com", "vcard")).get("alice"), { fn: "Zoe" });
  assert.equal((await (await sm.open("example.com", "archive", "archive")).get("alice", "k1"))?.value.getChildText("body"), "hi");
  const columns = await mysqlAdmin<{ c: string; t: string; s: string | null; l: string | null }>(
    "SELECT CONCAT(table_name, '.', column_name) AS c, column_type AS t, character_set_name AS s, collation_name AS l FROM information_schema.columns WHERE table_schema = ? AND data_type LIKE '%text'",
    [db.sql.database],
  );
  assert.ok(columns.length > 0);
  for (const column of columns) assert.deepEqual([column.s, column.l], ["utf8mb4", "utf8mb4_bin"], column.c);
  assert.equal(columns.find((c) => c.c === "prosody.value")?.t, "mediumtext");
  const unique = await mysqlAdmin<{ n: number }>(
    "SELECT non_unique AS n FROM information_schema.statistics WHERE table_schema = ? AND index_name = 'prosodyarchive_index' LIMIT 1",
    [db.sql.database],
  );
  assert.equal(Number(unique[0].n), 1, "prosodyarchive_index is no longer unique");
  await (await sm.open("example.com", "vcard")).set("bob", { fn: "Zoë 🎉" });
  assertValue(await (await sm.open("example.com", "vcard")).get("bob"), { fn: "Zoë 🎉" }, "4-byte UTF-8 fits after the upgrade");
});
