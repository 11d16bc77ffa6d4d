/**
 * Benchmark of the sql backend on SQLite against Prosody 0.12's mod_storage_sql on SQLite, in
 * the same run and on the same database file. Prosody's side is timed inside Lua by the
 * real-Prosody harness (test/helpers/prosody-bench.ts), so process start-up is not counted.
 *
 *   node --import tsx bench/sql.ts        (XS_BENCH_ITEMS=1000000, XS_BENCH_RAW=50000 by default)
 *
 * Rows: keyval set/get, archive append, and MAM queries on one archive of XS_BENCH_ITEMS items
 * built with the bulk write path: newest 50; 50 before an id; newest 50 with one contact.
 * Ratio = Prosody time / xmppstore time (above 1: xmppstore is faster). Targets: append >= 5x,
 * MAM page median < 1 ms, bulk path >= 0.5x of raw better-sqlite3 inserts into the same table.
 */
import { unguardedBackend } from "../src/manager/manager.js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { StorageManager } from "../src/stores/storage-manager.js";
import type { SqlBackend, BulkArchiveItem } from "../src/backends/sql/index.js";
import { stanzaToXml } from "../src/backends/sql/xml-text.js";
import type { ArchiveQuery } from "../src/contracts/index.js";
import { prosodyAvailable } from "../test/helpers/prosody.js";
import { makeProsodyEnv } from "../test/helpers/prosody-env.js";
import { prosodyBench, prosodyWorkloads } from "../test/helpers/prosody-bench.js";
import { CONTACTS, contact, itemId, message, roster } from "./workload.js";
import { format, printTable, type Row } from "./report.js";

const ITEMS = Number(process.env.XS_BENCH_ITEMS ?? 1_000_000);
const RAW = Number(process.env.XS_BENCH_RAW ?? 50_000);
const HOST = "example.com";
const T0 = 1_600_000_000;
const KEYVAL_N = 2000;
const APPEND_N = 3000;
const QUERY_N = 300;
const PROSODY_QUERY_N = 100;
const CHUNK = 50_000;

function items(from: number, to: number, user = "juliet"): BulkArchiveItem[] {
  const out: BulkArchiveItem[] = [];
  for (let i = from; i < to; i++) out.push({ user, store: "archive", key: itemId(i), value: message(i), when: T0 + i, with: contact(i) });
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timeEach(n: number, op: (i: number) => Promise<unknown>): Promise<{ mean: number; median: number }> {
  const times: number[] = [];
  for (let i = 1; i <= n; i++) {
    const started = performance.now();
    await op(i);
    times.push(performance.now() - started);
  }
  return { mean: times.reduce((a, b) => a + b, 0) / n, median: median(times) };
}

/**
 * Rows per second into a fresh database, all in one transaction: the bulk path (from Elements),
 * and raw better-sqlite3 inserts of the same rows already serialised, with the same pragmas.
 */
async function bulkVersusRaw(): Promise<{ bulk: number; raw: number }> {
  const dir = await mkdtemp(join(tmpdir(), "xs-bench-raw-"));
  const all = items(0, RAW);
  const serialised = all.map((item) => [HOST, item.user, item.store, item.when, item.with, item.key, "xml", stanzaToXml(item.value)]);
  let bulk = 0;
  let raw = 0;
  try {
    // Alternating rounds, best of each, so that load from other processes hits both alike.
    for (let round = 0; round < 3; round++) {
      const sm = new StorageManager({ storage: "sql", sql: { driver: "SQLite3", database: `bulk${round}.sqlite` }, data_path: dir });
      const backend = (await unguardedBackend(sm, HOST, "archive")).backend as SqlBackend;
      let started = performance.now();
      await backend.bulkAppend(all);
      bulk = Math.max(bulk, RAW / ((performance.now() - started) / 1000));
      await sm.close();

      const rawSm = new StorageManager({ storage: "sql", sql: { driver: "SQLite3", database: `raw${round}.sqlite` }, data_path: dir });
      await (await rawSm.open(HOST, "archive", "archive")).find("nobody");
      await rawSm.close();
      const db = new Database(join(dir, `raw${round}.sqlite`));
      for (const pragma of ["journal_mode = WAL", "synchronous = NORMAL", "wal_autocheckpoint = 10000", "cache_size = -65536", "temp_store = MEMORY"]) db.pragma(pragma);
      const insert = db.prepare(
        `INSERT INTO "prosodyarchive" ("host", "user", "store", "when", "with", "key", "type", "value") VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const insertAll = db.transaction(() => {
        for (const row of serialised) insert.run(...row);
      });
      started = performance.now();
      insertAll();
      raw = Math.max(raw, RAW / ((performance.now() - started) / 1000));
      db.close();
    }
    return { bulk, raw };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!prosodyAvailable()) throw new Error("Prosody 0.12 and lua5.4 are needed (apt-get install prosody lua-dbi-sqlite3)");
  // Writes: each side on its own database file, as each runs by default (Prosody: the rollback
  // journal SQLite gives a new file; xmppstore: WAL). Queries: both on the same archive.
  const writes = await makeProsodyEnv("sqlite", [HOST]);
  const shared = await makeProsodyEnv("sqlite", [HOST]);
  const ownDir = await mkdtemp(join(tmpdir(), "xs-bench-sql-"));
  const rows: Row[] = [];
  try {
    console.log(`sql backend (SQLite) vs Prosody 0.12 mod_storage_sql (SQLite); archive of ${ITEMS} items`);
    const { bulk, raw } = await bulkVersusRaw();
    console.log(`bulk write path: ${bulk.toFixed(0)} items/s; raw better-sqlite3 inserts: ${raw.toFixed(0)} rows/s; ratio ${(bulk / raw).toFixed(2)} (target >= 0.5), ${RAW} rows each`);

    let sm = new StorageManager(shared.xmppstoreConfig);
    const backend = (await unguardedBackend(sm, HOST, "archive")).backend as SqlBackend;
    let started = performance.now();
    for (let from = 0; from < ITEMS; from += CHUNK) await backend.bulkAppend(items(from, Math.min(ITEMS, from + CHUNK)));
    const buildSeconds = (performance.now() - started) / 1000;
    console.log(`built the ${ITEMS}-item archive with bulkAppend in ${buildSeconds.toFixed(1)} s (${(ITEMS / buildSeconds).toFixed(0)} items/s)`);
    await sm.close();

    const middle = itemId(Math.floor(ITEMS / 2));
    const queries: Array<[string, ArchiveQuery]> = [
      ["MAM page: newest 50", { reverse: true, limit: 50 }],
      ["MAM page: 50 before an id", { before: middle, reverse: true, limit: 50 }],
      [`MAM page: newest 50 with one of ${CONTACTS} contacts`, { with: contact(7), reverse: true, limit: 50 }],
    ];
    const value = roster();
    started = performance.now();
    const prosodyWrites = await prosodyBench(writes.setup, [
      prosodyWorkloads.keyvalSets(HOST, "roster", KEYVAL_N, value, "puser%d"),
      prosodyWorkloads.keyvalGets(HOST, "roster", KEYVAL_N, KEYVAL_N, "puser%d"),
      prosodyWorkloads.archiveAppends(HOST, "archive", "pappender", APPEND_N, message(1), { start: T0, with: contact(1) }),
    ]);
    const prosodyQueries = await prosodyBench(
      shared.setup,
      queries.map(([, query]) => prosodyWorkloads.archiveFinds(HOST, "archive", "juliet", PROSODY_QUERY_N, query)),
    );
    console.log(`Prosody's side ran in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    sm = new StorageManager({ storage: "sql", sql: { driver: "SQLite3", database: "prosody.sqlite" }, data_path: ownDir });
    const kv = await sm.open(HOST, "roster");
    const appender = await sm.open(HOST, "archive", "archive");
    const set = await timeEach(KEYVAL_N, (i) => kv.set(`user${i}`, value));
    rows.push({ name: "keyval set (roster, 20 contacts)", prosody: prosodyWrites[0].perOpMs, ours: set.mean });
    const get = await timeEach(KEYVAL_N, (i) => kv.get(`user${i}`));
    rows.push({ name: "keyval get", prosody: prosodyWrites[1].perOpMs, ours: get.mean });
    const append = await timeEach(APPEND_N, (i) => appender.append("appender", null, message(i), T0 + i, contact(i)));
    rows.push({
      name: "archive append (new ids)",
      prosody: prosodyWrites[2].perOpMs,
      ours: append.mean,
      note: `${(1000 / append.mean).toFixed(0)}/s vs ${(1000 / prosodyWrites[2].perOpMs).toFixed(0)}/s (target >= 5x)`,
    });
    await sm.close();

    sm = new StorageManager(shared.xmppstoreConfig);
    const archive = await sm.open(HOST, "archive", "archive");
    for (const [k, [name, query]] of queries.entries()) {
      let count = 0;
      const timing = await timeEach(QUERY_N, async () => {
        count = 0;
        for await (const _ of await archive.find("juliet", query)) count++;
      });
      rows.push({ name, prosody: prosodyQueries[k].perOpMs, ours: timing.mean, note: `median ${format(timing.median)} (target < 1 ms), ${count} items` });
    }
    await sm.close();
    console.log();
    printTable(rows);
    console.log();
    console.log(`bulk write path ${bulk.toFixed(0)}/s = ${(bulk / raw).toFixed(2)}x raw better-sqlite3 (${raw.toFixed(0)}/s)`);
    console.log(`load average during the run: ${(await import("node:os")).loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  } finally {
    await writes.cleanup();
    await shared.cleanup();
    await rm(ownDir, { recursive: true, force: true });
  }
}

await main();
