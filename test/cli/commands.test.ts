import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { main } from "../../src/cli/main.js";
import { fillSample } from "../migrate/sample.js";
import { captureIO } from "./io.js";

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "xs-cli-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function sqliteWithSample(file: string, items = 20): Promise<void> {
  const sm = new StorageManager({ storage: "sql", sql: { driver: "SQLite3", database: file } });
  await fillSample(sm, items);
  await sm.close();
}

async function run(argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const io = captureIO();
  const status = await main(argv, io);
  return { status, stdout: io.stdout(), stderr: io.stderr() };
}

test("migrate sqlite -> sqlite with --verify and --json, then dump both: identical", async (t) => {
  const dir = await tempDir(t);
  await sqliteWithSample(join(dir, "a.sqlite"));
  const migrated = await run(["migrate", "--from", `sqlite:${dir}/a.sqlite`, "--to", `sqlite:${dir}/b.sqlite`, "--json", "--verify"]);
  assert.equal(migrated.status, 0, migrated.stderr);
  const report = JSON.parse(migrated.stdout);
  assert.equal(report.hosts, 2);
  assert.equal(report.items, 7 + 20 + 1 + 3);
  assert.equal(report.verify.equal, true);
  assert.match(migrated.stderr, /^migrating 31 items/); // progress lines: not a terminal
  const a = await run(["dump", "--from", `sqlite:${dir}/a.sqlite`]);
  const b = await run(["dump", "--from", `sqlite:${dir}/b.sqlite`]);
  assert.equal(a.status, 0);
  assert.equal(a.stdout, b.stdout);
  assert.equal(JSON.parse(a.stdout).hosts["example.com"].archive.archive.alice.length, 20);
  // Twice: the same target.
  const again = await run(["migrate", "--from", `sqlite:${dir}/a.sqlite`, "--to", `sqlite:${dir}/b.sqlite`, "--quiet"]);
  assert.equal(again.status, 0);
  // Issue 13, item 4: a target that holds data is announced before anything moves (even with --quiet).
  assert.match(again.stderr, /^xmppstore migrate: sqlite:.*b\.sqlite already holds data \(conference\.example\.com, example\.com\): merging into it/);
  assert.match(again.stdout, /items: {4}31 \(7 keyval, 24 archive\)/);
  assert.equal((await run(["dump", "--from", `sqlite:${dir}/b.sqlite`])).stdout, a.stdout);
});

test("ls and get on a SQLite file", async (t) => {
  const dir = await tempDir(t);
  await sqliteWithSample(join(dir, "a.sqlite"), 4);
  const from = `sqlite:${dir}/a.sqlite`;
  const hosts = await run(["ls", "--from", from]);
  assert.equal(hosts.stdout, "HOST                    STORES  USERS  ITEMS\nconference.example.com  2       1      2\nexample.com             5       3      13\n");
  // "items" means the same in ls and in migrate's summary (issue 13, item 8).
  const migrated = await run(["migrate", "--from", from, "--to", `internal:${dir}/copy`, "--quiet"]);
  assert.match(migrated.stdout, /items: {4}15 \(7 keyval, 8 archive\)\n/);
  const roster = await run(["ls", "--from", from, "example.com", "roster"]);
  assert.equal(roster.stdout, 'USER     TYPE    ITEMS  KEYS\n"alice"  keyval  1      2\n"bob"    keyval  1      1\n');
  const stores = await run(["ls", "--from", from, "example.com", "--json"]);
  assert.deepEqual(JSON.parse(stores.stdout).map((s: { store: string }) => s.store), ["accounts", "archive", "pubsub_nodes", "pubsub_princely_musings", "roster"]);
  const users = await run(["ls", "--from", from, "example.com", "archive"]);
  assert.equal(users.stdout, 'USER     TYPE     ITEMS\n"alice"  archive  4\n"bob"    archive  1\n');
  const got = await run(["get", "--from", from, "example.com", "pubsub_princely_musings", ""]);
  assert.deepEqual(JSON.parse(got.stdout).archive.map((i: { id: string }) => i.id), ["item-0", "item-1", "item-2"]);
  const none = await run(["get", "--from", from, "example.com", "roster", "nobody"]);
  assert.equal(none.status, 0);
  assert.equal(none.stdout, "{}\n");
  assert.match(none.stderr, /nothing stored for "nobody"/);
});

test("migrate --config reads prosody-migrator's configuration, hosts and store lists included", async (t) => {
  const dir = await tempDir(t);
  await sqliteWithSample(join(dir, "a.sqlite"), 3);
  await writeFile(join(dir, "migrator.cfg.lua"), `
local dir = "${dir}"
input { type = "sql"; driver = "SQLite3"; database = dir .. "/a.sqlite";
  hosts = { ["example.com"] = { "roster", "archive-archive", "pubsub_nodes-pubsub" } } }
output { type = "sql"; driver = "SQLite3"; database = dir .. "/b.sqlite" }
`);
  const migrated = await run(["migrate", "--config", join(dir, "migrator.cfg.lua"), "--quiet"]);
  assert.equal(migrated.status, 0, migrated.stderr);
  const doc = JSON.parse((await run(["dump", "--from", `sqlite:${dir}/b.sqlite`])).stdout);
  assert.deepEqual(Object.keys(doc.hosts), ["example.com"]);
  assert.deepEqual(Object.keys(doc.hosts["example.com"].keyval), ["pubsub_nodes", "roster"]);
  assert.deepEqual(Object.keys(doc.hosts["example.com"].archive), ["archive", "pubsub_princely_musings"]);
  const missing = await run(["migrate", "--config", join(dir, "migrator.cfg.lua"), "old", "output"]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /no section "old" \(it has: input, output\)/);
});

test("a source that cannot be opened is a failure during the work (exit 1)", async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, "junk.sqlite"), "this is not a database, just text".repeat(100));
  const result = await run(["dump", "--from", `sqlite:${dir}/junk.sqlite`]);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /xmppstore dump: .*junk\.sqlite/);
});

test("prosody:FILE sources: data_path, per-store storage and sql from the configuration", async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, "prosody.cfg.lua"), `
data_path = ${JSON.stringify(join(dir, "data"))}
default_storage = "internal"
storage = { roster = "sql", archive = "sql" }
sql = { driver = "SQLite3", database = "prosody.sqlite" } -- relative: in the data directory
VirtualHost "example.com"
Component "conference.example.com" "muc"
`);
  const sm = new StorageManager({
    data_path: join(dir, "data"),
    default_storage: "internal",
    storage: { roster: "sql", archive: "sql" },
    sql: { driver: "SQLite3", database: join(dir, "data", "prosody.sqlite") },
  });
  await fillSample(sm, 3);
  await sm.close();
  // Data in a backend the configuration does not use for that store is not the source's.
  const stray = new StorageManager({ storage: "internal", data_path: join(dir, "data") });
  await (await stray.open("example.com", "roster")).set("stray", { "x@y": { subscription: "none", groups: {} } });
  await stray.close();
  const listed = await run(["ls", "--from", `prosody:${join(dir, "prosody.cfg.lua")}`, "example.com", "--json"]);
  assert.equal(listed.status, 0, listed.stderr);
  const stores = JSON.parse(listed.stdout) as Array<{ store: string; users: number }>;
  assert.deepEqual(stores.map((s) => `${s.store}:${s.users}`), ["accounts:2", "archive:2", "pubsub_nodes:1", "pubsub_princely_musings:1", "roster:2"]);
  const viaConfig = await run(["dump", "--from", `prosody:${join(dir, "prosody.cfg.lua")}`]);
  const copied = await run(["migrate", "--from", `prosody:${join(dir, "prosody.cfg.lua")}`, "--to", `sqlite:${dir}/all.sqlite`, "--quiet", "--verify"]);
  assert.equal(copied.status, 0, copied.stderr);
  assert.equal((await run(["dump", "--from", `sqlite:${dir}/all.sqlite`])).stdout, viaConfig.stdout);
  assert.equal(JSON.parse(viaConfig.stdout).hosts["example.com"].keyval.roster.stray, undefined);
});

// Issue 13, items 3 and 4: no empty success, and --verify on a target with other hosts.
test("--host or --store naming nothing fails with what exists; a prosody: data_path that is missing is exit 2", async (t) => {
  const dir = await tempDir(t);
  await sqliteWithSample(join(dir, "a.sqlite"), 2);
  const from = `sqlite:${dir}/a.sqlite`;
  const host = await run(["migrate", "--from", from, "--to", `internal:${dir}/out`, "--host", "exmaple.com", "--quiet"]);
  assert.equal(host.status, 2);
  assert.match(host.stderr, /holds no data for host "exmaple\.com" \(it has: conference\.example\.com, example\.com\)/);
  const store = await run(["dump", "--from", from, "--store", "rooster"]);
  assert.equal(store.status, 2);
  assert.match(store.stderr, /holds no store "rooster" \(it has: accounts:keyval, .*roster:keyval\)/);
  await writeFile(join(dir, "p.cfg.lua"), `data_path = "${dir}/nowhere"\nVirtualHost "example.com"\n`);
  const cfg = await run(["migrate", "--from", `prosody:${dir}/p.cfg.lua`, "--to", `internal:${dir}/out2`]);
  assert.equal(cfg.status, 2);
  assert.match(cfg.stderr, /no such directory .*nowhere/);
  await writeFile(join(dir, "q.cfg.lua"), `VirtualHost "example.com"\n`);
  const noPath = await run(["ls", "--from", `prosody:${dir}/q.cfg.lua`]);
  assert.match(noPath.stderr, /sets no data_path: using Prosody's default \/var\/lib\/prosody/);
});

test("--verify into a target holding other hosts compares what was migrated", async (t) => {
  const dir = await tempDir(t);
  await sqliteWithSample(join(dir, "a.sqlite"), 3);
  const other = new StorageManager({ storage: "sql", sql: { driver: "SQLite3", database: join(dir, "b.sqlite") } });
  await (await other.open("other.example", "roster")).set("zoe", { "x@other.example": { subscription: "both" } });
  await other.close();
  const result = await run(["migrate", "--from", `sqlite:${dir}/a.sqlite`, "--to", `sqlite:${dir}/b.sqlite`, "--verify", "--quiet"]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /already holds data \(other\.example\)/);
  assert.match(result.stdout, /verify: +identical \(7 stores, 14 items compared\)/);
});

test("a torn last archive item skipped while reading is reported in the summary and by dump", async (t) => {
  const dir = await tempDir(t);
  const sm = new StorageManager({ storage: "internal", data_path: join(dir, "data") });
  await fillSample(sm, 3);
  await sm.close();
  const list = join(dir, "data", "example%2ecom", "archive", "alice.list");
  await appendFile(list, 'item({\n\tkey = "torn";\n\twhen = 16');
  const migrated = await run(["migrate", "--from", `internal:${dir}/data`, "--to", `sqlite:${dir}/b.sqlite`, "--quiet"]);
  assert.equal(migrated.status, 0, migrated.stderr);
  assert.match(migrated.stdout, /warnings: 1\n {4}\[internal\] .*alice\.list: the last 32 bytes are a torn item \(an interrupted write\); it is skipped\n/);
  const dumped = await run(["dump", "--from", `internal:${dir}/data`]);
  assert.match(dumped.stderr, /^xmppstore: warning: \[internal\] .*alice\.list: the last 32 bytes are a torn item/);
});
