/**
 * Benchmark of the internal backend against Prosody 0.12's own mod_storage_internal, on the
 * same data directory in the same run. Prosody's side is timed inside Lua by the real-Prosody
 * harness (test/helpers/prosody.ts, op "bench"), so process start-up is not counted.
 *
 *   node --import tsx bench/internal.ts            (XS_BENCH_ITEMS=100000 by default)
 *
 * Rows: keyval set/get, archive append, and queries on one archive of XS_BENCH_ITEMS items
 * written directly with the codec: full scan, `with` filter, time window, MAM pages (newest 50;
 * 50 before an id; 50 after an id; 50 from a time), total only. Ratio = Prosody time /
 * xmppstore time (above 1: xmppstore is faster). Durable rows repeat writes with
 * `internal_durable` (fsync), against Prosody's non-durable figure. The data directory is on
 * the disk of os.tmpdir(), so fsync costs what it costs there.
 */
import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StorageManager } from "../src/stores/storage-manager.js";
import { encodeListItem } from "../src/backends/internal/codec.js";
import { encodeName, encodeStoreName } from "../src/backends/internal/names.js";
import { ProsodyBatch, prosodyAvailable, prosodyOps, type ProsodyQuery } from "../test/helpers/prosody.js";
import type { ArchiveQuery } from "../src/contracts/index.js";
import { CONTACTS, contact, itemId, message, roster, vcard } from "./workload.js";
import { serializeDatFile } from "../src/format/lua/index.js";
import type { Value } from "../src/values/index.js";
import { printTable, type Row } from "./report.js";

const ITEMS = Number(process.env.XS_BENCH_ITEMS ?? 100_000);
const HOST = "example.com";
const T0 = 1_700_000_000;
const STEP = 10; // seconds between archived messages
const KEYVAL_N = 3000; // 1 000 users per round
const APPEND_N = 5000;
const DURABLE_N = 300;
const ROUNDS = 3;

async function timeOurs(n: number, op: (i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let i = 1; i <= n; i++) await op(i);
  return (performance.now() - started) / n;
}

async function drain(result: AsyncIterable<unknown>): Promise<number> {
  let count = 0;
  for await (const _ of result) count++;
  return count;
}

/** Writes an archive of `count` items straight to its .list file with the codec. */
async function writeArchive(dataPath: string, store: string, user: string, count: number): Promise<void> {
  const dir = join(dataPath, encodeName(HOST), encodeStoreName(store));
  await mkdir(dir, { recursive: true });
  const parts: Buffer[] = [];
  for (let i = 0; i < count; i++) parts.push(encodeListItem(message(i), itemId(i), T0 + i * STEP, contact(i)));
  await writeFile(join(dir, `${encodeName(user)}.list`), Buffer.concat(parts));
}

async function main(): Promise<void> {
  if (!prosodyAvailable()) throw new Error("Prosody 0.12 and lua5.4 are needed (apt-get install prosody)");
  const dataPath = await mkdtemp(join(tmpdir(), "xs-bench-internal-"));
  const limit = { storage_archive_item_limit: Math.max(ITEMS, APPEND_N) * 2 };
  const setup = { dataPath, hosts: { [HOST]: { storage: "internal", ...limit } } };
  const rows: Row[] = [];
  try {
    console.log(`internal backend vs Prosody 0.12 mod_storage_internal; archive of ${ITEMS} items; data in ${dataPath}`);
    const written = performance.now();
    await writeArchive(dataPath, "archive", "big", ITEMS);
    console.log(`wrote the ${ITEMS}-item archive with the codec in ${(performance.now() - written).toFixed(0)} ms`);

    const sm = new StorageManager({ data_path: dataPath, ...limit });
    const archive = await sm.open(HOST, "archive", "archive");
    const value = roster(1, 10);

    // Each row runs Prosody's side (one lua5.4 process, timed inside Lua), then ours right
    // after, so that both meet the same machine load.
    const prosody = async (n: number, body: ReturnType<typeof prosodyOps.keyvalGet>, vary: Record<string, string | number> = {}) => {
      const p = new ProsodyBatch(setup);
      const result = p.bench(n, body, vary);
      await p.run();
      const { seconds, n: runs } = await result;
      return (seconds * 1000) / runs;
    };
    // Cheap rows run in ROUNDS alternating rounds of both sides; the best round of each counts,
    // which keeps other load on the machine from deciding the ratio.
    const best = async (name: string, theirs: (round: number) => Promise<number>, ours: (round: number) => Promise<number>, note?: string) => {
      let p = Infinity;
      let o = Infinity;
      for (let round = 0; round < ROUNDS; round++) {
        p = Math.min(p, await theirs(round));
        o = Math.min(o, await ours(round));
      }
      rows.push({ name, prosody: p, ours: o, note });
      return p;
    };
    const n = (total: number) => Math.ceil(total / ROUNDS);
    // keyval rows: rosters of 10 and 100 contacts and a vCard of a few kB, each set then read back
    let pSet = 0;
    const keyvalWorkloads: Array<[string, string, Value]> = [
      ["roster, 10 contacts", "roster", roster(1, 10)],
      ["roster, 100 contacts", "roster", roster(1, 100)],
      [`vCard, ${serializeDatFile(vcard(), "vcard").length} bytes`, "vcard", vcard()],
    ];
    for (const [k, [label, store, data]] of keyvalWorkloads.entries()) {
      const kvs = await sm.open(HOST, store);
      const setTime = await best(
        `keyval set (${label})`,
        (r) => prosody(n(KEYVAL_N), prosodyOps.keyvalSet(HOST, store, "p", data), { user: `p${k}r${r}user%d` }),
        (r) => timeOurs(n(KEYVAL_N), (i) => kvs.set(`u${k}r${r}user${i}`, data)),
      );
      if (k === 0) pSet = setTime;
      await best(
        `keyval get (${label})`,
        (r) => prosody(n(KEYVAL_N), prosodyOps.keyvalGet(HOST, store, "p"), { user: `p${k}r${r}user%d` }),
        (r) => timeOurs(n(KEYVAL_N), (i) => kvs.get(`u${k}r${r}user${i}`)),
      );
    }
    const pAppend = await best(
      "archive append (new ids)",
      (r) => prosody(n(APPEND_N), prosodyOps.archiveAppend(HOST, "archive", `pappender${r}`, { value: message(1), when: T0, with: contact(1) })),
      (r) => timeOurs(n(APPEND_N), (i) => archive.append(`appender${r}`, null, message(i), T0 + i, contact(i))),
    );

    const reps = ITEMS >= 50_000 ? 1 : 3;
    const middle = Math.floor(ITEMS / 2);
    const queries: Array<[string, ArchiveQuery, number]> = [
      ["MAM page: newest 50 + total", { reverse: true, limit: 50, total: true }, 200],
      ["full scan (all items)", {}, 1],
      [`with filter (1 of ${CONTACTS} contacts)`, { with: contact(7) }, 3],
      ["time window (1 hour)", { start: T0 + middle * STEP, end: T0 + middle * STEP + 3600 }, 20],
      ["MAM page: 50 before an id + total", { before: itemId(middle), reverse: true, limit: 50, total: true }, 200],
      ["MAM page: 50 after an id + total", { after: itemId(middle), limit: 50, total: true }, 200],
      ["MAM page: 50 from a time + total", { start: T0 + middle * STEP, limit: 50, total: true }, 200],
      ["total only (limit 0)", { limit: 0, total: true }, 200],
    ];
    for (const [k, [name, query, n]] of queries.entries()) {
      const theirs = await prosody(reps, prosodyOps.archiveFind(HOST, "archive", "big", query as ProsodyQuery));
      if (k === 0) {
        // Our first query of the file builds its index (once per file and process).
        const started = performance.now();
        await drain(await archive.find("big", query));
        rows.push({ name: "first query (builds the index)", prosody: theirs, ours: performance.now() - started, note: "newest 50, cold" });
      }
      let count = 0;
      const ours = await timeOurs(n, async () => {
        const result = await archive.find("big", query);
        count = await drain(result);
        if (query.total && result.total === undefined) throw new Error("no total");
      });
      rows.push({ name, prosody: theirs, ours, note: `${count} items` });
    }
    await sm.close();

    // Durable mode: the same writes with fsync of file and directory, against Prosody's
    // (never durable) figures above.
    const durable = new StorageManager({ data_path: dataPath, internal_durable: true, ...limit });
    const dkv = await durable.open(HOST, "roster");
    const darchive = await durable.open(HOST, "archive", "archive");
    rows.push({ name: "keyval set, internal_durable", prosody: pSet, ours: await timeOurs(DURABLE_N, (i) => dkv.set(`duser${i}`, value)), note: "fsync vs none" });
    rows.push({
      name: "archive append, internal_durable",
      prosody: pAppend,
      ours: await timeOurs(DURABLE_N, (i) => darchive.append("dappender", null, message(i), T0 + i, contact(i))),
      note: "fsync vs none",
    });
    await durable.close();

    console.log();
    printTable(rows);
    const memory = process.memoryUsage();
    console.log();
    console.log(
      `memory: peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (whole run, incl. generating the archive); ` +
        `now RSS ${(memory.rss / 2 ** 20).toFixed(0)} MiB, heap used ${(memory.heapUsed / 2 ** 20).toFixed(0)} MiB`,
    );
  } finally {
    await rm(dataPath, { recursive: true, force: true });
  }
}

await main();
