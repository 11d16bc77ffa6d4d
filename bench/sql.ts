/**
 * Benchmark of the sql backend against Prosody 0.12's mod_storage_sql on the same engine, in the
 * same run: SQLite (a file), PostgreSQL or MariaDB/MySQL (a database on the same server).
 * Prosody's side is timed inside Lua by the real-Prosody harness (test/helpers/prosody-bench.ts),
 * so process start-up is not counted.
 *
 *   node --import tsx bench/sql.ts                        (SQLite, 1 000 000-item archive)
 *   XS_BENCH_ENGINE=postgres node --import tsx bench/sql.ts   (or mysql; 20 000 items)
 *   XS_BENCH_ITEMS=20000 XS_BENCH_ROUNDS=3 …              (archive size; best of N rounds)
 *
 * Rows: keyval set/get; archive append one after another and 64 at once, beside the ceiling
 * (the driver's own single-row autocommit inserts, and 64-row inserts, into Prosody's table and
 * indexes); MAM pages on one archive built with the bulk path, first without fresh planner
 * statistics and then after ANALYZE. Ratio = Prosody's time / xmppstore's (above 1: faster).
 * Prosody's storage calls block its one thread on these engines, so 64 appenders at once are,
 * for Prosody, its appends one after another: that is the baseline of the 64-at-once row.
 */
import { loadavg } from "node:os";
import { StorageManager } from "../src/stores/storage-manager.js";
import { unguardedBackend } from "../src/manager/manager.js";
import type { SqlBackend, BulkArchiveItem } from "../src/backends/sql/index.js";
import { stanzaToXml } from "../src/backends/sql/xml-text.js";
import type { ArchiveQuery, ArchiveStore } from "../src/contracts/index.js";
import { prosodyAvailable } from "../test/helpers/prosody.js";
import { makeProsodyEnv, type ProsodyEnv, type ProsodyEnvKind } from "../test/helpers/prosody-env.js";
import { prosodyBench, prosodyWorkloads } from "../test/helpers/prosody-bench.js";
import { CONTACTS, contact, itemId, message, roster } from "./workload.js";
import { format, printTable, type Row } from "./report.js";
import { rawAppendMs, rawConnection, rawGroupAppendMs } from "./sql-ceiling.js";

const KIND = (process.env.XS_BENCH_ENGINE ?? "sqlite") as ProsodyEnvKind;
const ITEMS = Number(process.env.XS_BENCH_ITEMS ?? (KIND === "sqlite" ? 1_000_000 : 20_000));
const ROUNDS = Number(process.env.XS_BENCH_ROUNDS ?? 3);
const HOST = "example.com";
const T0 = 1_600_000_000;
const KEYVAL_N = Number(process.env.XS_BENCH_KEYVAL ?? 1000);
const APPEND_N = Number(process.env.XS_BENCH_APPENDS ?? (KIND === "sqlite" ? 3000 : 1000));
const QUERY_N = 200;
const PROSODY_QUERY_N = 50;
// Pages of the size the migrator writes (src/jobs/archive-pages.ts), so the build is the migrator's path.
const CHUNK = 1000;
const ANALYZE: Record<string, string> = { sqlite: "ANALYZE", postgres: 'ANALYZE "prosodyarchive"', mysql: 'ANALYZE TABLE "prosodyarchive"' };

function items(from: number, to: number, user = "juliet"): BulkArchiveItem[] {
  const out: BulkArchiveItem[] = [];
  for (let i = from; i < to; i++) out.push({ user, store: "archive", key: itemId(i), value: message(i), when: T0 + i, with: contact(i) });
  return out;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

/** Mean and median milliseconds of `n` operations awaited one after another. */
async function timeEach(n: number, op: (i: number) => Promise<unknown>): Promise<{ mean: number; median: number }> {
  const times: number[] = [];
  for (let i = 1; i <= n; i++) {
    const started = performance.now();
    await op(i);
    times.push(performance.now() - started);
  }
  return { mean: times.reduce((a, b) => a + b, 0) / n, median: median(times) };
}

/** Milliseconds per append of `n` appends made by 64 appenders at once (each awaits its own). */
async function time64(n: number, archive: ArchiveStore, round: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 64 }, async (_, w) => {
      while (next < n) {
        const i = next++;
        await archive.append(`appender${w}`, null, message(i), T0 + i, contact(i + round));
      }
    }),
  );
  return (performance.now() - started) / n;
}

/** Prosody's writes, and ours with the ceilings, each side on its own database, best of ROUNDS. */
async function writeRows(rows: Row[]): Promise<void> {
  const best = { set: Infinity, get: Infinity, append: Infinity, append64: Infinity, pSet: Infinity, pGet: Infinity, pAppend: Infinity, raw: Infinity, raw64: Infinity };
  const value = roster();
  const xml = stanzaToXml(message(1));
  for (let round = 0; round < ROUNDS; round++) {
    // Alternating sides, each on a fresh database, so that load from other processes hits both alike.
    const theirs = await makeProsodyEnv(KIND, [HOST]);
    const ours = await makeProsodyEnv(KIND, [HOST]);
    try {
      const [pSet, pGet, pAppend] = await prosodyBench(theirs.setup, [
        prosodyWorkloads.keyvalSets(HOST, "roster", KEYVAL_N, value, "puser%d"),
        prosodyWorkloads.keyvalGets(HOST, "roster", KEYVAL_N, KEYVAL_N, "puser%d"),
        prosodyWorkloads.archiveAppends(HOST, "archive", "pappender", APPEND_N, message(1), { start: T0, with: contact(1) }),
      ]);
      best.pSet = Math.min(best.pSet, pSet.perOpMs);
      best.pGet = Math.min(best.pGet, pGet.perOpMs);
      best.pAppend = Math.min(best.pAppend, pAppend.perOpMs);

      const sm = new StorageManager(ours.xmppstoreConfig);
      const kv = await sm.open(HOST, "roster");
      const appender = await sm.open(HOST, "archive", "archive");
      best.set = Math.min(best.set, (await timeEach(KEYVAL_N, (i) => kv.set(`user${i}`, value))).mean);
      best.get = Math.min(best.get, (await timeEach(KEYVAL_N, (i) => kv.get(`user${i}`))).mean);
      best.append = Math.min(best.append, (await timeEach(APPEND_N, (i) => appender.append("appender", null, message(i), T0 + i, contact(i)))).mean);
      best.append64 = Math.min(best.append64, await time64(APPEND_N, appender, round));
      await sm.close();

      const raw = await rawConnection(ours.xmppstoreConfig.sql!, ours.setup.dataPath);
      best.raw = Math.min(best.raw, await rawAppendMs(raw, APPEND_N, HOST, xml));
      best.raw64 = Math.min(best.raw64, await rawGroupAppendMs(raw, APPEND_N, HOST, xml));
      await raw.close();
    } finally {
      await theirs.cleanup();
      await ours.cleanup();
    }
  }
  const rate = (ms: number) => `${(1000 / ms).toFixed(0)}/s`;
  rows.push({ name: "keyval set (roster, 20 contacts)", prosody: best.pSet, ours: best.set });
  rows.push({ name: "keyval get", prosody: best.pGet, ours: best.get });
  rows.push({
    name: "archive append, one after another",
    prosody: best.pAppend,
    ours: best.append,
    note: `${rate(best.append)} vs ${rate(best.pAppend)}; ceiling ${rate(best.raw)} (${(best.raw / best.append).toFixed(2)} of it)`,
  });
  rows.push({
    name: "archive append, 64 at once",
    prosody: best.pAppend,
    ours: best.append64,
    note: `${rate(best.append64)}; ceiling ${rate(best.raw64)} (64-row inserts)`,
  });
  rows.push({ name: "ceiling: raw single-row autocommit insert", prosody: best.pAppend, ours: best.raw, note: "the driver alone, same table and indexes" });
}

/** MAM queries on one archive of ITEMS items, both sides on the same database. */
async function queryRows(rows: Row[], shared: ProsodyEnv, when: string): Promise<void> {
  const middle = itemId(Math.floor(ITEMS / 2));
  const queries: Array<[string, ArchiveQuery]> = [
    ["MAM page: newest 50", { reverse: true, limit: 50 }],
    ["MAM page: 50 before an id", { before: middle, reverse: true, limit: 50 }],
    [`MAM page: newest 50 with one of ${CONTACTS} contacts`, { with: contact(7), reverse: true, limit: 50 }],
    ["MAM page: 50 from a time", { start: T0 + Math.floor(ITEMS / 3), limit: 50 }],
  ];
  const prosody = await prosodyBench(
    shared.setup,
    queries.map(([, query]) => prosodyWorkloads.archiveFinds(HOST, "archive", "juliet", PROSODY_QUERY_N, query)),
  );
  const sm = new StorageManager(shared.xmppstoreConfig);
  const archive = await sm.open(HOST, "archive", "archive");
  for (const [k, [name, query]] of queries.entries()) {
    let count = 0;
    const timing = await timeEach(QUERY_N, async () => {
      count = 0;
      for await (const _ of await archive.find("juliet", query)) count++;
    });
    rows.push({ name: `${name}, ${when}`, prosody: prosody[k].perOpMs, ours: timing.mean, note: `median ${format(timing.median)}, ${count} items` });
  }
  await sm.close();
}

async function main(): Promise<void> {
  if (!prosodyAvailable()) throw new Error("Prosody 0.12 and lua5.4 are needed (apt-get install prosody lua-dbi-sqlite3 …)");
  console.log(`sql backend vs Prosody 0.12 mod_storage_sql on ${KIND}; archive of ${ITEMS} items; best of ${ROUNDS} rounds for writes`);
  console.log(`load average at start: ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  const rows: Row[] = [];
  await writeRows(rows);

  const shared = await makeProsodyEnv(KIND, [HOST]);
  try {
    const sm = new StorageManager(shared.xmppstoreConfig);
    const backend = (await unguardedBackend(sm, HOST, "archive")).backend as SqlBackend;
    const started = performance.now();
    for (let from = 0; from < ITEMS; from += CHUNK) await backend.bulkAppend(items(from, Math.min(ITEMS, from + CHUNK)));
    console.log(`built the archive with bulkAppend in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    await queryRows(rows, shared, "no stats");
    await sm.close();
    const raw = await rawConnection(shared.xmppstoreConfig.sql!, shared.setup.dataPath);
    await raw.run(ANALYZE[KIND], []);
    await raw.close();
    await queryRows(rows, shared, "after ANALYZE");
  } finally {
    await shared.cleanup();
  }
  console.log();
  printTable(rows);
  console.log();
  console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
}

await main();
