// Many writers at once on one SQL database (issue 12, item 1): concurrent keyval sets of one
// user, map sets of one key, writers of distinct users, appends against a quota, and separate
// processes sharing the database. Every write succeeds (no deadlock or serialization failure
// reaches the caller), and what is stored is always exactly one writer's value.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, test, type TestContext } from "node:test";
import { Element } from "ltx";
import { StorageManager } from "../../src/stores/storage-manager.js";
import type { StorageConfig } from "../../src/contracts/index.js";
import { isStorageError } from "../../src/errors.js";
import type { SqlBackend } from "../../src/backends/sql/index.js";
import { run } from "../../src/backends/sql/connection.js";
import { unguardedBackend } from "../../src/manager/manager.js";
import { collect } from "../conformance/index.js";
import { mysqlDatabase, pgAdmin, postgresDatabase, rawSql, serverAvailable, sqliteDatabase, type TestDatabase } from "../sql/databases.js";
import { retryCounter, settle, soleWriter, writeRounds, writerValue, type WriteOutcome } from "../sql/contention.js";

/** Counts the transactions run again in the current test (reset before each). */
let retries = retryCounter();

const engines: Array<[string, boolean, () => Promise<TestDatabase>]> = [
  ["SQLite", true, sqliteDatabase],
  ["PostgreSQL", await serverAvailable("PostgreSQL"), postgresDatabase],
  ["MariaDB", await serverAvailable("MySQL"), mysqlDatabase],
];

async function countRows(db: TestDatabase, where: string, params: string[]): Promise<number> {
  const [found] = await rawSql(db, [[`SELECT COUNT(*) AS "n" FROM "prosody" WHERE ${where}`, params]]);
  return Number(found.n);
}

/** Checks what {@link writeRounds} left: one writer's value and row set everywhere, nothing lost. */
async function checkWritten(db: TestDatabase, sm: StorageManager, host: string, user: string, names: string[], writers: number, rounds: number) {
  const [userColumn, keyColumn] = ['"user"', '"key"'];
  const kv = await sm.open(host, "contention");
  const value = await kv.get(user);
  const tag = soleWriter(value);
  assert.ok(tag !== undefined && tag.endsWith(`/${rounds - 1}`), `${user} holds one writer's last value, not rows of several: ${JSON.stringify(value)}`);
  const rows = await countRows(db, `host = ? AND ${userColumn} = ?`, [host, user]);
  assert.equal(rows, Object.keys(writerValue(tag.split("/")[0], 0)).length, "one writer's rows, no more");
  const map = await sm.open(host, "contention", "map");
  assert.equal(await countRows(db, `host = ? AND ${userColumn} = ? AND ${keyColumn} = ?`, [host, `${user}-map`, "item"]), 1, "one row of the shared map key");
  for (const name of names) {
    for (let w = 0; w < writers; w++) {
      const writer = `${name}w${w}`;
      assert.equal(soleWriter(await kv.get(`${user}-${writer}`)), `${writer}/${rounds - 1}`, `user ${user}-${writer} holds its writer's last value`);
      assert.equal(await map.get(`${user}-map`, writer), rounds - 1, `map key ${writer} kept`);
    }
  }
}

/**
 * A map key that lives in the extra row `""` (a key the column cannot hold); SQLite holds every
 * key, so there it is a key of its own row.
 */
const EXTRA: Record<string, string> = { SQLite: "x", PostgreSQL: "x\0", MariaDB: "x " };

function report(t: TestContext, what: string, rounds: number, writers: number, outcome: WriteOutcome): void {
  const retried = outcome.retried ?? retries.count;
  t.diagnostic(`${what}: ${rounds} rounds x ${writers} writers, ${outcome.written} written, ${outcome.rejected} rejected, ${retried} transactions run again`);
  assert.equal(outcome.rejected, 0, `no write may be rejected: ${outcome.errors.join(" | ")}`);
}

for (const [engine, available, make] of engines) {
  describe(`sql contention: ${engine}`, { skip: available ? false : `${engine} is not reachable` }, () => {
    let db: TestDatabase;
    let config: StorageConfig;
    test.before(async () => {
      db = await make();
      config = { storage: "sql", sql: db.sql, ...(db.dataPath ? { data_path: db.dataPath } : {}) };
      // PostgreSQL looks for deadlocks after 1 s of waiting by default; the deadlock test need not wait that long.
      if (db.sql.driver === "PostgreSQL") await pgAdmin(`ALTER DATABASE "${db.sql.database}" SET deadlock_timeout = '50ms'`);
    });
    test.beforeEach(() => {
      retries = retryCounter();
    });
    test.after(() => db.drop());

    test("20 concurrent keyval sets of one user leave one writer's value; 20 users at once lose nothing", async (t) => {
      const rounds = 5;
      const writers = 20;
      const host = `kv${engine}.example`;
      const outcome = await writeRounds(config, host, "alice", "p", writers, rounds);
      report(t, "keyval set, one user and one user per writer", rounds, writers, outcome);
      const sm = new StorageManager({ ...config, logger: retries.logger });
      t.after(() => sm.close());
      await checkWritten(db, sm, host, "alice", ["p"], writers, rounds);
    });

    test("20 concurrent map sets of one key, and store-wide deletes, leave one row", async (t) => {
      const rounds = 5;
      const writers = 20;
      const host = `map${engine}.example`;
      const sm = new StorageManager({ ...config, logger: retries.logger });
      t.after(() => sm.close());
      const map = await sm.open(host, "contention", "map");
      const total: WriteOutcome = { written: 0, rejected: 0, errors: [] };
      for (let round = 0; round < rounds; round++) {
        const outcome = await settle([
          ...Array.from({ length: writers }, (_, w) => map.setKeys("bob", { item: `w${w}/${round}`, [`own${w}`]: round, [EXTRA[engine]]: `extra w${w}` })),
          // Store-wide deletes of a key kept in the extra row, among the writers of that row.
          map.deleteAll(EXTRA[engine]),
          map.deleteAll(EXTRA[engine]),
        ]);
        total.written += outcome.written;
        total.rejected += outcome.rejected;
        total.errors.push(...outcome.errors);
      }
      report(t, "map setKeys of one key", rounds, writers, total);
      const [user, key] = ['"user"', '"key"'];
      assert.equal(await countRows(db, `host = ? AND ${user} = ? AND ${key} = ?`, [host, "bob", "item"]), 1, "one row for the key");
      assert.ok((await countRows(db, `host = ? AND ${user} = ? AND ${key} = ?`, [host, "bob", ""])) <= 1, "at most one extra row");
      assert.ok((await countRows(db, `host = ? AND ${user} = ? AND ${key} = ?`, [host, "bob", "x"])) <= 1, "at most one row of x");
      assert.match(String(await map.get("bob", "item")), new RegExp(`^w\\d+/${rounds - 1}$`));
      for (let w = 0; w < writers; w++) assert.equal(await map.get("bob", `own${w}`), rounds - 1);
    });

    test("500 concurrent appends with a quota of 100 store exactly 100", async (t) => {
      const host = `quota${engine}.example`;
      const sm = new StorageManager({ ...config, storage_archive_item_limit: 100, logger: retries.logger });
      t.after(() => sm.close());
      const archive = await sm.open(host, "archive", "archive");
      const outcomes = await Promise.allSettled(
        Array.from({ length: 500 }, (_, i) => archive.append("carol", null, new Element("message").c("body").t(`m${i}`).root(), 1_700_000_000 + i)),
      );
      const stored = outcomes.filter((o) => o.status === "fulfilled").length;
      const overQuota = outcomes.filter((o) => o.status === "rejected" && isStorageError(o.reason, "quota-limit")).length;
      const other = outcomes.filter((o) => o.status === "rejected" && !isStorageError(o.reason, "quota-limit"));
      t.diagnostic(`500 concurrent appends, quota 100: ${stored} stored, ${overQuota} quota-limit, ${other.length} other errors, ${retries.count} transactions run again`);
      assert.deepEqual(other.map((o) => String((o as PromiseRejectedResult).reason)), []);
      assert.equal(stored, 100);
      assert.equal(overQuota, 400);
      const result = await archive.find("carol", { total: true });
      assert.equal(result.total, 100);
      assert.equal((await collect(result)).length, 100);
    });

    test("transactions that deadlock each other are run again, not reported", async (t) => {
      const sm = new StorageManager({ ...config, logger: retries.logger });
      t.after(() => sm.close());
      const host = `deadlock${engine}.example`;
      const { engine: database } = (await unguardedBackend(sm, host, "contention")).backend as SqlBackend;
      const kv = await sm.open(host, "contention");
      await kv.set("erin", { k: "seed" });
      await kv.set("frank", { k: "seed" });
      // Units of work that change erin then frank, or frank then erin, with nothing to make them
      // take turns: the classic lock-order deadlock, which the database breaks by failing one.
      const change = (tag: string, users: string[]) =>
        database.transaction(`swap ${tag}`, function* () {
          for (const user of users) yield* run(`UPDATE "prosody" SET "value" = ? WHERE "host" = ? AND "user" = ? AND "key" = 'k'`, [tag, host, user]);
        });
      const pairs = 6;
      const outcome = await settle(Array.from({ length: pairs }, (_, i) => [change(`a${i}`, ["erin", "frank"]), change(`b${i}`, ["frank", "erin"])]).flat());
      report(t, "two-row transactions in opposite orders", 1, pairs * 2, outcome);
      assert.equal(await kv.get("erin").then((v) => (v as { k: string }).k), await kv.get("frank").then((v) => (v as { k: string }).k), "the last to commit changed both");
    });

    test("bulk writes of several users take their turns too", async (t) => {
      const sm = new StorageManager({ ...config, logger: retries.logger });
      t.after(() => sm.close());
      const host = `bulk${engine}.example`;
      const backend = (await unguardedBackend(sm, host, "contention")).backend as SqlBackend;
      const kv = await sm.open(host, "contention");
      const pairs = 6;
      const rows = (writer: string, users: string[]) => users.map((user) => ({ host, user, store: "contention", data: writerValue(writer, 0) }));
      const outcome = await settle(
        Array.from({ length: pairs }, (_, i) => [
          backend.bulkSet(rows(`a${i}`, ["gina", "hal"])),
          backend.bulkSet(rows(`b${i}`, ["hal", "gina"])),
          kv.set("gina", writerValue(`c${i}`, 0)),
          backend.bulkAppend([{ host, user: "gina", store: "archive", key: "one", value: new Element("message").t(`d${i}`) }]),
          backend.bulkAppend([{ host, user: "gina", store: "archive", key: "one", value: new Element("message").t(`e${i}`) }]),
        ]).flat(),
      );
      report(t, "bulkSet of two users in opposite orders, keyval set, bulkAppend of one key", 1, pairs * 5, outcome);
      for (const user of ["gina", "hal"]) assert.ok(soleWriter(await kv.get(user)), `${user} holds one writer's value: ${JSON.stringify(await kv.get(user))}`);
      const archive = await sm.open(host, "archive", "archive");
      assert.equal((await archive.find("gina", { total: true, limit: 0 })).total, 1, "one item of key one");
    });

    test("4 writer processes sharing the database leave one writer's value and lose nothing", async (t) => {
      const processes = 4;
      const writers = 8;
      const rounds = 3;
      const host = `procs${engine}.example`;
      const script = join(import.meta.dirname, "..", "sql", "contention-writer.ts");
      const outcomes = await Promise.all(
        Array.from(
          { length: processes },
          (_, p) =>
            new Promise<WriteOutcome>((resolve, reject) => {
              const child = spawn(process.execPath, ["--import", "tsx", script, JSON.stringify(config), host, "dave", `p${p}`, String(writers), String(rounds)], {
                stdio: ["ignore", "pipe", "inherit"],
              });
              let out = "";
              child.stdout.on("data", (chunk) => (out += chunk));
              child.on("error", reject);
              child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out) as WriteOutcome) : reject(new Error(`writer p${p} exited with ${code}`))));
            }),
        ),
      );
      const total = outcomes.reduce((a, b) => ({
        written: a.written + b.written,
        rejected: a.rejected + b.rejected,
        errors: [...a.errors, ...b.errors],
        retried: (a.retried ?? 0) + (b.retried ?? 0),
      }));
      report(t, `${processes} processes, keyval set of one user and one user per writer`, rounds, processes * writers, total);
      const sm = new StorageManager({ ...config, logger: retries.logger });
      t.after(() => sm.close());
      await checkWritten(db, sm, host, "dave", Array.from({ length: processes }, (_, p) => `p${p}`), writers, rounds);
    });
  });
}
