// Faults: a database server that drops connections or goes away mid-run, a read-only database,
// a full disk. Operations during an outage fail with backend-failure; later ones succeed in the
// same process; a failed write leaves the old data whole.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { describe, test, type TestContext } from "node:test";
import Database from "better-sqlite3";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { Element } from "ltx";
import { assertValue, collect, rejectsWith } from "../conformance/index.js";
import { needService } from "../helpers/services.js";
import { mysqlAdmin, mysqlDatabase, pgAdmin, postgresDatabase, serverAvailable, sqliteDatabase, type TestDatabase } from "../sql/databases.js";

const pgUp = await serverAvailable("PostgreSQL");
const myUp = await serverAvailable("MySQL");
const big = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`key${i}`, `value ${i}`]));

/** Cleanups of one test, run last-registered first (t.after runs hooks in registration order). */
function cleanups(t: TestContext): (fn: () => unknown) => void {
  const stack: Array<() => unknown> = [];
  t.after(async () => {
    for (const fn of stack.reverse()) await fn();
  });
  return (fn) => stack.push(fn);
}

async function withDatabase(defer: (fn: () => unknown) => void, make: () => Promise<TestDatabase>): Promise<TestDatabase> {
  const db = await make();
  defer(() => db.drop());
  return db;
}

describe("sql faults: PostgreSQL", () => {
  const terminate = (name: string) =>
    pgAdmin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name]);

  test("killed connections are replaced; an outage fails operations, which work again afterwards", async (t) => {
    if (!needService(t, "PostgreSQL", pgUp)) return;
    const defer = cleanups(t);
    const db = await withDatabase(defer, postgresDatabase);
    const name = db.sql.database;
    const sm = new StorageManager({ storage: "sql", sql: db.sql });
    defer(async () => {
      await pgAdmin(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`);
      await sm.close();
    });
    const kv = await sm.open("example.com", "roster");
    const archive = await sm.open("example.com", "archive", "archive");
    await kv.set("alice", { a: 1 });
    await Promise.all([kv.get("alice"), kv.get("alice"), archive.append("alice", null, new Element("m"), 1)]);

    await terminate(name);
    assertValue(await kv.get("alice"), { a: 1 }, "the next operation reconnects");
    await kv.set("alice", { a: 2 });

    await pgAdmin(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS false`);
    await terminate(name);
    await rejectsWith(kv.get("alice"), "backend-failure");
    await rejectsWith(kv.set("alice", { a: 3 }), "backend-failure");
    await rejectsWith(archive.find("alice"), "backend-failure");

    await pgAdmin(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`);
    assertValue(await kv.get("alice"), { a: 2 }, "back after the outage, in the same process");
    await kv.set("alice", { a: 4 });
    assertValue(await kv.get("alice"), { a: 4 });
  });

  test("a read-only database gives a clear error and no partial write", async (t) => {
    if (!needService(t, "PostgreSQL", pgUp)) return;
    const defer = cleanups(t);
    const db = await withDatabase(defer, postgresDatabase);
    const name = db.sql.database;
    const sm = new StorageManager({ storage: "sql", sql: db.sql });
    defer(() => sm.close());
    const kv = await sm.open("example.com", "private");
    await kv.set("alice", big(10));
    await pgAdmin(`ALTER DATABASE "${name}" SET default_transaction_read_only = on`);
    await terminate(name);
    await rejectsWith(kv.set("alice", big(20)), "backend-failure", /read-only/);
    assertValue(await kv.get("alice"), big(10), "the old rows are all there");
    await pgAdmin(`ALTER DATABASE "${name}" SET default_transaction_read_only = off`);
    await terminate(name);
    await kv.set("alice", big(20));
    assertValue(await kv.get("alice"), big(20));
  });
});

describe("sql faults: MariaDB", () => {
  test("KILLed connections are replaced; a locked account fails operations until unlocked", async (t) => {
    if (!needService(t, "MariaDB", myUp)) return;
    const defer = cleanups(t);
    const db = await withDatabase(defer, mysqlDatabase);
    const user = `xs_f_${randomBytes(4).toString("hex")}`;
    const password = randomBytes(8).toString("hex");
    await mysqlAdmin(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
    await mysqlAdmin(`GRANT ALL ON \`${db.sql.database}\`.* TO '${user}'@'%'`);
    const sm = new StorageManager({ storage: "sql", sql: { ...db.sql, username: user, password } });
    defer(async () => {
      await sm.close();
      await mysqlAdmin(`DROP USER IF EXISTS '${user}'@'%'`);
    });
    const killAll = async () => {
      const ids = await mysqlAdmin<{ id: number }>("SELECT id FROM information_schema.processlist WHERE user = ?", [user]);
      for (const { id } of ids) await mysqlAdmin(`KILL ${Number(id)}`).catch(() => undefined);
    };
    const kv = await sm.open("example.com", "roster");
    await kv.set("alice", { a: 1 });
    await Promise.all([kv.get("alice"), kv.get("alice")]);

    await killAll();
    assertValue(await kv.get("alice"), { a: 1 }, "the next operation reconnects");
    await kv.set("alice", { a: 2 });

    await mysqlAdmin(`ALTER USER '${user}'@'%' ACCOUNT LOCK`);
    await killAll();
    await rejectsWith(kv.get("alice"), "backend-failure");
    await rejectsWith(kv.set("alice", { a: 3 }), "backend-failure");
    await mysqlAdmin(`ALTER USER '${user}'@'%' ACCOUNT UNLOCK`);
    assertValue(await kv.get("alice"), { a: 2 }, "back after the outage, in the same process");
    await kv.set("alice", { a: 4 });
    assertValue(await kv.get("alice"), { a: 4 });
  });
});

/**
 * A small tmpfs to fill or make read-only. Mounting needs root (CI runs as root, and .ci/run
 * checks first that it can mount one): on a laptop without it the test is skipped, in CI it fails.
 */
async function smallFilesystem(t: TestContext, defer: (fn: () => unknown) => void): Promise<string | undefined> {
  const dir = await mkdtemp(join(tmpdir(), "xs-sqlfs-"));
  let mounted = true;
  let why = "";
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=320k", "tmpfs", dir], { stdio: "pipe" });
  } catch (error) {
    [mounted, why] = [false, String((error as { stderr?: Buffer }).stderr ?? error).trim()];
  }
  if (!mounted) {
    await rm(dir, { recursive: true, force: true });
    needService(t, "a tmpfs this test may mount (root)", false, why);
    return undefined;
  }
  defer(async () => {
    execFileSync("umount", [dir], { stdio: "ignore" });
    await rm(dir, { recursive: true, force: true });
  });
  return dir;
}

describe("sql faults: SQLite", () => {
  test("a full disk gives a clear error and no partial write", async (t) => {
    const defer = cleanups(t);
    const dir = await smallFilesystem(t, defer);
    if (!dir) return;
    const sm = new StorageManager({ storage: "sql", sql: { driver: "SQLite3", database: "prosody.sqlite" }, data_path: dir });
    defer(() => sm.close());
    const kv = await sm.open("example.com", "private");
    await kv.set("alice", big(10));
    const filler = await sm.open("example.com", "filler");
    let failure: unknown;
    for (let i = 0; i < 100 && failure === undefined; i++) {
      await filler.set(`user${i}`, { blob: "x".repeat(20_000), more: "y".repeat(20_000) }).catch((error: unknown) => (failure = error));
    }
    assert.ok(failure !== undefined, "the disk filled up");
    await rejectsWith(kv.set("alice", { huge: "z".repeat(400_000), ...big(5) }), "backend-failure", /full/);
    assertValue(await kv.get("alice"), big(10), "the old rows are all there");
  });

  test("a read-only database (in Prosody's rollback-journal mode) can be read; writes give a clear error", async (t) => {
    const defer = cleanups(t);
    const dir = await smallFilesystem(t, defer);
    if (!dir) return;
    const config = { storage: "sql", sql: { driver: "SQLite3" as const, database: "prosody.sqlite" }, data_path: dir };
    const before = new StorageManager(config);
    await (await before.open("example.com", "private")).set("alice", big(10));
    await before.close();
    // As Prosody leaves it: WAL is this backend's choice, and a WAL database cannot be opened
    // at all where its shared-memory file cannot be made.
    const raw = new Database(join(dir, "prosody.sqlite"));
    raw.pragma("journal_mode = DELETE");
    raw.close();
    execFileSync("mount", ["-o", "remount,ro", dir]);
    defer(() => execFileSync("mount", ["-o", "remount,rw", dir]));
    const sm = new StorageManager(config);
    defer(() => sm.close());
    const kv = await sm.open("example.com", "private");
    assertValue(await kv.get("alice"), big(10));
    await rejectsWith(kv.set("alice", big(20)), "backend-failure", /read-only|readonly/);
    assertValue(await kv.get("alice"), big(10), "the old rows are all there");
  });
});

test("a server that cannot be reached makes open fail with backend-failure naming it", async () => {
  for (const driver of ["PostgreSQL", "MySQL"] as const) {
    const sm = new StorageManager({ storage: "sql", sql: { driver, database: "prosody", host: "127.0.0.1", port: 1, username: "x" } });
    await rejectsWith(sm.open("example.com", "roster"), "backend-failure", new RegExp(`${driver} prosody on 127.0.0.1`));
    await sm.close();
  }
});

test("an archive row that does not hold a stanza is reported, naming the item", async (t) => {
  const db = await sqliteDatabase();
  const sm = new StorageManager({ storage: "sql", sql: db.sql, data_path: db.dataPath });
  t.after(async () => {
    await sm.close();
    await db.drop();
  });
  const archive = await sm.open("example.com", "archive", "archive");
  await archive.append("alice", "fine", new Element("m"), 1);
  const raw = new Database(join(db.dataPath!, "prosody.sqlite"));
  // Prosody's SQL archive accepts any value; this is what it writes for a table.
  raw.prepare(`INSERT INTO "prosodyarchive" ("host", "user", "store", "key", "when", "with", "type", "value") VALUES ('example.com', 'alice', 'archive', 'odd', 2, '', 'json', '{"a":1}')`).run();
  raw.close();
  await rejectsWith(collect(await archive.find("alice")), "unsupported-datatype", /item odd holds a json value/);
  assert.equal((await archive.get("alice", "fine"))?.value.name, "m");
});
