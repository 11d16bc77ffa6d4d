// `xmppstore upgrade-schema`: Prosody 0.12's SQL schema becomes 13's (prosody_unique_index) on
// SQLite, PostgreSQL and MariaDB, with planted duplicate keys resolved first and nothing lost;
// --dry-run changes nothing; reading never upgrades; Prosody 13 reads the upgraded SQLite file.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import Database from "better-sqlite3";
import pg from "pg";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { unguardedBackend } from "../../src/manager/manager.js";
import { rows, run, type SqlEngine } from "../../src/backends/sql/connection.js";
import { main } from "../../src/cli/main.js";
import type { StorageConfig } from "../../src/contracts/index.js";
import { captureIO } from "../cli/io.js";
import { needService } from "../helpers/services.js";
import { dumpOfConfig } from "../helpers/dump-config.js";
import { prosodyAvailable, prosodyInstallHint, prosodySqlDriverAvailable } from "../helpers/prosody.js";
import { prosody13Ctl } from "../helpers/prosody13-ctl.js";
import { MY, mysqlAdmin, mysqlDatabase, PG, postgresDatabase, serverAvailable, sqliteDatabase, type TestDatabase } from "./databases.js";

const HOST = "example.com";

/** Index name → unique, read straight from the database (opening it with xmppstore could add some). */
async function indexes(db: TestDatabase): Promise<Record<string, boolean>> {
  const out: Record<string, boolean> = {};
  if (db.sql.driver === "SQLite3") {
    const file = new Database(join(db.dataPath!, db.sql.database!), { readonly: true });
    for (const row of file.prepare(`SELECT "name", "sql" FROM "sqlite_master" WHERE "type" = 'index' AND "tbl_name" = 'prosody'`).all() as Array<{ name: string; sql: string }>) {
      out[row.name] = /^CREATE UNIQUE/i.test(row.sql);
    }
    file.close();
  } else if (db.sql.driver === "PostgreSQL") {
    const client = new pg.Client({ ...PG, database: db.sql.database });
    await client.connect();
    for (const row of (await client.query(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'prosody'`)).rows as Array<{ indexname: string; indexdef: string }>) {
      out[row.indexname] = /^CREATE UNIQUE/i.test(row.indexdef);
    }
    await client.end();
  } else {
    const rows = await mysqlAdmin<{ name: string; non_unique: number }>(
      `SELECT DISTINCT index_name AS name, non_unique FROM information_schema.statistics WHERE table_schema = ? AND table_name = 'prosody'`, [db.sql.database],
    );
    for (const row of rows) out[row.name] = Number(row.non_unique) === 0;
  }
  return out;
}

function sourceOf(db: TestDatabase): string {
  if (db.sql.driver === "SQLite3") return `sqlite:${join(db.dataPath!, db.sql.database!)}`;
  if (db.sql.driver === "PostgreSQL") return `postgres://${PG.user}@${PG.host}:${PG.port}/${db.sql.database}`;
  return `mysql://${MY.user}:${MY.password}@${MY.host}:${MY.port}/${db.sql.database}`;
}

async function cli(args: string[]): Promise<{ status: number; out: string; err: string }> {
  const io = captureIO();
  const status = await main(args, io);
  return { status, out: io.stdout(), err: io.stderr() };
}

/** A 0.12 database with data, and duplicate rows planted the way racing writers leave them. */
async function plant(config: StorageConfig): Promise<void> {
  const sm = new StorageManager(config);
  await (await sm.open(HOST, "roster")).set("alice", { "bob@example.com": { subscription: "both", groups: {} }, "carol@example.com": { subscription: "to", groups: {} } });
  await (await sm.open(HOST, "account_roles")).set("alice", { _default: "prosody:admin" });
  await (await sm.open(HOST, "vcard")).set("bob", { name: "vCard" });
  const { backend } = await unguardedBackend(sm, HOST, "roster");
  const engine = (backend as unknown as { engine: SqlEngine }).engine;
  const insert = `INSERT INTO "prosody" ("host", "user", "store", "key", "type", "value") VALUES (?, ?, ?, ?, ?, ?)`;
  await engine.transaction("plant duplicates", function* () {
    // A differing row inserted before the one readers see (so the reader's choice is the later one) ...
    yield* run(`DELETE FROM "prosody" WHERE "user" = 'alice' AND "store" = 'roster' AND "key" = 'bob@example.com'`);
    yield* run(insert, [HOST, "alice", "roster", "bob@example.com", "json", '{"subscription":"none","groups":{}}']);
    yield* run(insert, [HOST, "alice", "roster", "bob@example.com", "json", '{"subscription":"both","groups":{}}']);
    // ... an identical copy, and a differing primary role.
    yield* run(insert, [HOST, "alice", "roster", "carol@example.com", "json", '{"subscription":"to","groups":{}}']);
    yield* run(`DELETE FROM "prosody" WHERE "store" = 'account_roles'`);
    yield* run(insert, [HOST, "alice", "account_roles", "_default", "string", "prosody:operator"]);
    yield* run(insert, [HOST, "alice", "account_roles", "_default", "string", "prosody:admin"]);
  });
  await sm.close();
}

interface Report {
  databases: Array<{ from: string; applied: boolean; statements: string[]; duplicates: Array<{ store: string; key: string; rows: number; moved: number }> }>;
}

async function upgradeCase(t: TestContext, make: () => Promise<TestDatabase>): Promise<void> {
  const db = await make();
  t.after(() => db.drop());
  const config: StorageConfig = { storage: "sql", sql: db.sql, ...(db.dataPath ? { data_path: db.dataPath } : {}) };
  await plant(config);
  const source = sourceOf(db);
  const before = await indexes(db);
  assert.equal(before.prosody_index, false);
  assert.equal(before.prosody_unique_index, undefined);
  const seen = await dumpOfConfig(config, [HOST]); // reading: no upgrade
  assert.deepEqual(await indexes(db), before);

  const dry = await cli(["upgrade-schema", "--from", source, "--dry-run"]);
  assert.equal(dry.status, 0, dry.err);
  assert.match(dry.out, /Prosody 0\.12's schema, would upgrade to 13's \(dry run\)/);
  assert.match(dry.out, /duplicated keys: 3, 2 differing row\(s\) to move to xmppstore_prosody_duplicates/);
  assert.match(dry.out, /"account_roles" "_default": 2 rows, 1 differing/);
  assert.match(dry.out, /would run:\n {4}CREATE (UNIQUE )?INDEX .*"prosody_unique_index"/);
  assert.deepEqual(await indexes(db), before);
  assert.equal(await dumpOfConfig(config, [HOST]), seen);

  const done = await cli(["upgrade-schema", "--from", source, "--json"]);
  assert.equal(done.status, 0, done.err);
  const report = (JSON.parse(done.out) as Report).databases[0]!;
  assert.equal(report.applied, true);
  assert.deepEqual(report.duplicates.map((d) => `${d.store} ${d.key} ${d.rows} ${d.moved}`).sort(), [
    "account_roles _default 2 1", "roster bob@example.com 2 1", "roster carol@example.com 2 0",
  ]);
  const mysql = db.sql.driver === "MySQL";
  const after = await indexes(db);
  // 13's index: unique except on MySQL; 0.12's dropped except on MySQL (13 keeps it there).
  assert.equal(after.prosody_unique_index, !mysql);
  assert.equal(after.prosody_index, mysql ? false : undefined);

  // Readers see what they saw; the rows that lost are kept, with the prosody table's columns.
  const check = new StorageManager(config);
  const { backend } = await unguardedBackend(check, HOST, "roster");
  const engine = (backend as unknown as { engine: SqlEngine }).engine;
  const kept = await engine.transaction("read the kept duplicates", () =>
    rows(`SELECT "host", "user", "store", "key", "type", "value" FROM "xmppstore_prosody_duplicates"`),
  );
  await check.close();
  assert.deepEqual(kept.map((row) => row.map(String).join(" ")).sort(), [
    `${HOST} alice account_roles _default string prosody:operator`,
    `${HOST} alice roster bob@example.com json {"subscription":"none","groups":{}}`,
  ]);
  assert.equal(await dumpOfConfig(config, [HOST]), seen);
  assert.deepEqual(await indexes(db), after, "opening the upgraded database brings no 0.12 index back");

  const again = await cli(["upgrade-schema", "--from", source]);
  assert.equal(again.status, 0, again.err);
  assert.match(again.out, /already Prosody 13's schema, nothing to do/);

  if (db.sql.driver === "SQLite3" && needService(t, "prosody 13", prosodyAvailable("13") && prosodySqlDriverAvailable("SQLite3"), prosodyInstallHint("13"))) {
    const out = await prosody13Ctl(
      { dir: db.dataPath!, dataPath: db.dataPath!, storage: `storage = "sql"\nsql = { driver = "SQLite3", database = "prosody.sqlite" }`, hosts: [HOST] },
      ["mod_xmppstore_roles", HOST, "alice"],
    );
    assert.match(out, /^ROLE alice prosody:admin $/m);
  }
}

test("upgrade-schema on SQLite: duplicates resolved and kept aside, 13's unique index, dry run changes nothing", (t) => upgradeCase(t, sqliteDatabase));
test("upgrade-schema on PostgreSQL", async (t) => {
  if (!needService(t, "PostgreSQL", await serverAvailable("PostgreSQL"))) return;
  await upgradeCase(t, postgresDatabase);
});
test("upgrade-schema on MariaDB", async (t) => {
  if (!needService(t, "MariaDB", await serverAvailable("MySQL"))) return;
  await upgradeCase(t, mysqlDatabase);
});
