// Issue 13, item 2: commands that only read never write — not the file, not its journal mode,
// not a schema, and not a MySQL upgrade on a source.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { needService } from "../helpers/services.js";
import { mysqlAdmin, mysqlDatabase, serverAvailable } from "../sql/databases.js";
import { run, tempDir, withSample } from "./run.js";

const sha = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

/** A database as Prosody leaves it: its schema, rollback journal (Prosody never switches to WAL). */
async function prosodyLikeSqlite(file: string): Promise<void> {
  await withSample({ storage: "sql", sql: { driver: "SQLite3", database: file } }, 5);
  const db = new Database(file);
  db.pragma("journal_mode = DELETE");
  db.close();
}

function journalMode(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    return String(db.pragma("journal_mode", { simple: true }));
  } finally {
    db.close();
  }
}

test("ls, dump, get and a migration from a SQLite file leave it byte for byte as it was, in its journal mode", async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, "prosody.sqlite");
  await prosodyLikeSqlite(file);
  const before = sha(file);
  const from = `sqlite:${file}`;
  for (const argv of [["ls", "--from", from], ["dump", "--from", from], ["get", "--from", from, "example.com", "roster", "alice"]]) {
    const result = await run(argv);
    assert.equal(result.status, 0, `${argv[0]}: ${result.stderr}`);
  }
  const migrated = await run(["migrate", "--from", from, "--to", `internal:${dir}/data`, "--quiet", "--verify"]);
  assert.equal(migrated.status, 0, migrated.stderr);
  assert.equal(journalMode(file), "delete");
  assert.equal(sha(file), before);
  assert.deepEqual(readdirSync(dir).sort(), ["data", "prosody.sqlite"], "no -wal or -shm left behind");
});

test("an empty file is not a Prosody database: a clear error, exit 2, and the file stays empty", async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, "empty.sqlite");
  writeFileSync(file, "");
  for (const argv of [["ls", "--from", `sqlite:${file}`], ["dump", "--from", `sqlite:${file}`]]) {
    const result = await run(argv);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /not a Prosody database: no table prosody or prosodyarchive in it/);
  }
  assert.equal(readFileSync(file).length, 0);
});

test("ls --from prosody:cfg creates no SQLite file where the configuration points", async (t) => {
  const dir = await tempDir(t);
  const cfg = join(dir, "prosody.cfg.lua");
  writeFileSync(cfg, `data_path = "${dir}/data"\nstorage = "sql"\nsql = { driver = "SQLite3", database = "prosody.sqlite" }\nVirtualHost "example.com"\n`);
  const result = await run(["ls", "--from", `prosody:${cfg}`]);
  assert.equal(result.status, 2, result.stderr);
  assert.equal(existsSync(join(dir, "data")), false, "no data directory made");
});

test("MySQL: dump of an old latin1 schema runs no ALTER; a target with non-UTF-8 bytes is not half-upgraded", async (t) => {
  if (!needService(t, "MariaDB", await serverAvailable("MySQL"))) return;
  const db = await mysqlDatabase();
  t.after(() => db.drop());
  const name = db.sql.database;
  const q = (sql: string) => mysqlAdmin(sql.replace(/`db`/g, `\`${name}\``));
  await q("CREATE TABLE `db`.`prosody` (`host` TEXT NOT NULL, `user` TEXT NOT NULL, `store` TEXT NOT NULL, `key` TEXT NOT NULL, `type` TEXT NOT NULL, `value` TEXT NOT NULL) CHARACTER SET latin1");
  await q("CREATE TABLE `db`.`prosodyarchive` (`sort_id` INTEGER PRIMARY KEY AUTO_INCREMENT, `host` TEXT NOT NULL, `user` TEXT NOT NULL, `store` TEXT NOT NULL, `key` TEXT NOT NULL, `when` INTEGER NOT NULL, `with` TEXT NOT NULL, `type` TEXT NOT NULL, `value` TEXT NOT NULL) CHARACTER SET latin1");
  // A value Prosody 0.9 stored as UTF-8 bytes in the latin1 column, and one byte that is not UTF-8.
  await q("INSERT INTO `db`.`prosody` VALUES ('example.com', 'alice', 'vcard', 'fn', 'string', CAST(X'5A6FC3AB' AS CHAR CHARACTER SET latin1))");
  const columns = () => mysqlAdmin<{ c: string; t: string; s: string | null }>(
    "SELECT CONCAT(table_name, '.', column_name) AS c, column_type AS t, character_set_name AS s FROM information_schema.columns WHERE table_schema = ? ORDER BY 1",
    [name],
  );
  const before = await columns();
  const url = `mysql://root@127.0.0.1:3306/${name}`;
  const dumped = await run(["dump", "--from", url]);
  assert.equal(dumped.status, 2, dumped.stderr);
  assert.match(dumped.stderr, /from an older Prosody and need its schema upgrade first \(prosodyctl mod_storage_sql upgrade/);
  assert.equal(dumped.stdout, "");
  assert.deepEqual(await columns(), before, "the source's schema is untouched");

  await q("INSERT INTO `db`.`prosody` VALUES ('example.com', 'bob', 'vcard', 'fn', 'string', CAST(X'FF41' AS CHAR CHARACTER SET latin1))");
  const dir = await tempDir(t);
  const into = await run(["migrate", "--from", `internal:${dir}`, "--to", url, "--quiet"]);
  assert.equal(into.status, 2, into.stderr);
  assert.match(into.stderr, /cannot upgrade Prosody's schema: prosody\.value \(latin1\) holds bytes that are not UTF-8.*nothing was changed/);
  assert.deepEqual(await columns(), before, "no column left a BLOB half-way");

  // Without the bad row the upgrade runs whole, and the text reads back as Prosody wrote it.
  await q("DELETE FROM `db`.`prosody` WHERE `user` = 'bob'");
  const upgraded = await run(["migrate", "--from", `internal:${dir}`, "--to", url, "--quiet"]);
  assert.equal(upgraded.status, 0, upgraded.stderr);
  assert.ok((await columns()).every((c) => c.s === null || c.s === "utf8mb4"));
  assert.match((await run(["dump", "--from", url])).stdout, /"fn": "Zoë"/);
});
