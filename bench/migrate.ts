/**
 * Migration benchmark: xmppstore vs Prosody's own `prosody-migrator` (Debian's prosody 0.12),
 * on the same Prosody data directory, internal -> SQLite, in the same run.
 *
 *   node --import tsx bench/migrate.ts [--users 2000] [--big 200000] [--small 20] [--disk]
 *
 * The data set (kept in .bench-data/ between runs): USERS users on one host, each with an
 * account, a roster, a vCard and a SMALL-item archive, one more user with a BIG-item archive.
 * Both tools are run as child processes under /usr/bin/time -v (peak RSS); the table gives
 * items per second (keyval records plus archive items) and peak memory, and the ratio.
 * Afterwards the two SQLite files are dumped and compared: the benchmark fails if they differ.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Element } from "ltx";
import { StorageManager } from "../src/stores/storage-manager.js";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const USERS = option("users", 2000);
const BIG = option("big", 200_000);
const SMALL = option("small", 20);
const HOST = "bench.example";
// On tmpfs when there is one (both tools alike): on disk Prosody's SQL layer commits, and so
// fsyncs, once per item (~40 items/s here), which would make the full run take hours.
const BASE = args.includes("--disk") || !existsSync("/dev/shm") ? resolve(".bench-data") : "/dev/shm/xmppstore-bench";
const ROOT = join(BASE, `migrate-${USERS}-${BIG}-${SMALL}`);
const DATA = join(ROOT, "data");
const CLI = resolve("dist/src/cli/main.js");

function message(i: number, user: string): Element {
  return new Element("message", { xmlns: "jabber:client", type: "chat", from: `friend${i % 50}@remote.example/res`, to: `${user}@${HOST}`, id: `msg-${i}` })
    .c("body").t(`Message number ${i}: the quick brown fox jumps over the lazy dog.`).up()
    .c("origin-id", { xmlns: "urn:xmpp:sid:0", id: `origin-${i}` }).root();
}

/** Writes the data set in Prosody's file layout through xmppstore's internal backend, once. */
async function makeDataSet(): Promise<number> {
  const marker = join(ROOT, "complete.json");
  if (existsSync(marker)) return (JSON.parse(await readFile(marker, "utf8")) as { items: number }).items;
  await rm(ROOT, { recursive: true, force: true });
  await mkdir(DATA, { recursive: true });
  const sm = new StorageManager({ storage: "internal", data_path: DATA, storage_archive_item_limit: BIG + SMALL });
  const [accounts, roster, vcard] = await Promise.all(["accounts", "roster", "vcard"].map((s) => sm.open(HOST, s)));
  const archive = await sm.open(HOST, "archive", "archive");
  let items = 0;
  for (let u = 0; u < USERS; u++) {
    const user = `user${String(u).padStart(5, "0")}`;
    await accounts.set(user, { iteration_count: 10000, salt: `salt-${u}`, stored_key: "ab".repeat(20), server_key: "cd".repeat(20) });
    const contacts: Record<string, { subscription: string; groups: Record<string, boolean>; name: string }> = {};
    for (let c = 0; c < 10; c++) contacts[`friend${(u + c) % 50}@remote.example`] = { subscription: "both", groups: { Friends: true }, name: `Friend ${c}` };
    await roster.set(user, contacts);
    await vcard.set(user, new Element("vCard", { xmlns: "vcard-temp" }).c("FN").t(`User ${u}`).root());
    for (let i = 0; i < SMALL; i++) await archive.append(user, null, message(i, user), 1700000000 + i, `friend${i % 50}@remote.example`);
    items += 3 + SMALL;
  }
  const big = "bigarchive";
  await accounts.set(big, { iteration_count: 10000, salt: "s", stored_key: "ab", server_key: "cd" });
  for (let i = 0; i < BIG; i++) await archive.append(big, null, message(i, big), 1600000000 + i, `friend${i % 50}@remote.example`);
  items += 1 + BIG;
  await sm.close();
  await writeFile(marker, JSON.stringify({ items }));
  return items;
}

interface Measured {
  seconds: number;
  peakMB: number;
  stdout: string;
}

/** Runs a command under /usr/bin/time -v; wall time and peak resident memory. */
function measure(command: string, argv: string[]): Measured {
  const started = performance.now();
  const result = spawnSync("/usr/bin/time", ["-v", command, ...argv], { encoding: "utf8", maxBuffer: 1 << 30 });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`${command} failed (${result.status}):\n${result.stdout}\n${result.stderr.slice(-3000)}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr);
  return { seconds, peakMB: rss ? Number(rss[1]) / 1024 : NaN, stdout: result.stdout };
}

/** `xmppstore dump` of a SQLite file: its hash, time and peak memory (the dump streams). */
function dumpOf(file: string): Measured & { hash: string } {
  const measured = measure(CLI, ["dump", "--from", `sqlite:${file}`]);
  return { ...measured, hash: createHash("sha256").update(measured.stdout).digest("hex") };
}

async function main(): Promise<void> {
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
  console.log(`data in ${ROOT}`);
  console.log(`data set: ${USERS} users x (account, roster, vCard, ${SMALL} archive items) + one ${BIG}-item archive`);
  const items = await makeDataSet();

  const theirs = join(ROOT, "prosody-migrator.sqlite");
  const ours = join(ROOT, "xmppstore.sqlite");
  await rm(theirs, { force: true });
  await rm(ours, { force: true });
  const config = join(ROOT, "migrator.cfg.lua");
  await writeFile(config, `input { type = "internal"; path = ${JSON.stringify(DATA)};
  hosts = { [${JSON.stringify(HOST)}] = { "accounts", "roster", "vcard", "archive-archive" } } }
output { type = "sql"; driver = "SQLite3"; database = ${JSON.stringify(theirs)} }
`);
  const prosody = measure("prosody-migrator", ["--root", "--config", config, "input", "output"]);
  const xmppstore = measure(CLI, ["migrate", "--from", `internal:${DATA}`, "--to", `sqlite:${ours}`, "--quiet"]);
  const theirDump = dumpOf(theirs);
  const ourDump = dumpOf(ours);
  const same = theirDump.hash === ourDump.hash;

  const rate = (m: Measured) => items / m.seconds;
  const rows = [
    ["tool", "items", "seconds", "items/s", "peak MB"],
    ["prosody-migrator 0.12", String(items), prosody.seconds.toFixed(1), rate(prosody).toFixed(0), prosody.peakMB.toFixed(0)],
    ["xmppstore migrate", String(items), xmppstore.seconds.toFixed(1), rate(xmppstore).toFixed(0), xmppstore.peakMB.toFixed(0)],
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join("  "));
  console.log(`throughput ratio xmppstore / prosody-migrator: ${(rate(xmppstore) / rate(prosody)).toFixed(1)}x (target >= 10x)`);
  console.log(`xmppstore peak memory: ${xmppstore.peakMB.toFixed(0)} MB (target < 300 MB)`);
  console.log(`xmppstore dump of the result: ${ourDump.seconds.toFixed(1)} s, peak ${ourDump.peakMB.toFixed(0)} MB, ${(ourDump.stdout.length / 1e6).toFixed(0)} MB of JSON`);
  console.log(`dumps of both SQLite files identical: ${same ? "yes" : "NO"}`);
  if (!same) process.exitCode = 1;
}

await main();
