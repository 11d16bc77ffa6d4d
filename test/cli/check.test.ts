import { describe, it, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { appendFile, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Element } from "ltx";
import { openForHealth } from "../../src/backends/sql/health.js";
import { rows, run } from "../../src/backends/sql/connection.js";
import { sqlSettings } from "../../src/backends/sql/settings.js";
import type { StorageManager } from "../../src/stores/storage-manager.js";
import { stores } from "../../src/stores/index.js";
import { prosodyAvailable, prosodyFind } from "../helpers/prosody.js";
import { operatorEnv, xmppstore } from "./operator-env.js";

const HOST = "example.com";

async function fill(sm: StorageManager): Promise<void> {
  await stores(sm).accounts(HOST).create("alice", "pw");
  const archive = await sm.open(HOST, "archive", "archive");
  for (let i = 0; i < 3; i++) await archive.append("alice", `a${i}`, new Element("message").c("body").t(`m${i}`).root(), 1_700_000_000 + i, "bob@example.com");
  for (let i = 0; i < 2; i++) await archive.append("bob", `b${i}`, new Element("message").c("body").t(`n${i}`).root(), 1_700_000_000 + i, "alice@example.com");
}

/** Every file under `dir` with a hash of its bytes, to show that nothing changed. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[path] = createHash("sha256").update(await readFile(path)).digest("hex");
  }
  return out;
}

const kinds = (report: { problems: Array<{ kind: string; fixed?: boolean }> }) => report.problems.map((p) => `${p.kind}${p.fixed ? " (fixed)" : ""}`).sort();

test("check on a data directory: finds damage without changing a byte, repairs what loses nothing", async (t) => {
  const o = await operatorEnv(t, "internal", { [HOST]: {} });
  if (!o) return;
  await o.withManager(fill);
  const root = o.env.setup.dataPath;
  const hostDir = join(root, "example%2ecom");
  const aliceList = join(hostDir, "archive", "alice.list");
  const intact = await readFile(aliceList);
  const torn = 'item({\n\t["key"] = "a3";\n\t["when"] = 17';
  await appendFile(aliceList, torn);
  const lidx = Buffer.alloc(24);
  lidx.writeBigUInt64LE(7767640n, 0);
  lidx.writeBigUInt64LE(10n, 8);
  lidx.writeBigUInt64LE(20n, 16);
  await writeFile(join(hostDir, "archive", "bob.lidx"), lidx);
  await writeFile(join(hostDir, "archive", "carol.lidx"), lidx);
  await writeFile(join(hostDir, "accounts", "mallory.dat"), "return { password = ");
  await writeFile(join(hostDir, "accounts", "notes.txt"), "hello");
  await writeFile(join(hostDir, "accounts", "alice.dat~"), "return {");
  await mkdir(join(root, "example.com", "roster"), { recursive: true });
  await writeFile(join(root, "example.com", "roster", "x.dat"), "return {};");
  await mkdir(join(root, "%ff%fe"));
  const before = await snapshot(root);

  const found = await xmppstore(["check", "--from", o.from, "--json"]);
  assert.equal(found.status, 1, found.stderr);
  assert.match(found.stderr, /^checking data directory /);
  assert.deepEqual(kinds(JSON.parse(found.stdout)), [
    "lidx-mismatch",
    "misspelt-name",
    "orphan-lidx",
    "outside-layout",
    "scratch-file",
    "torn-tail",
    "undecodable-name",
    "unparseable",
  ]);
  assert.deepEqual(await snapshot(root), before, "check changes nothing");

  const repaired = await xmppstore(["check", "--from", o.direct, "--repair"]);
  assert.equal(repaired.status, 1, "an unparseable file and names are left for a person");
  assert.match(repaired.stdout, /^repaired: torn-tail: .*alice\.list/m);
  assert.match(repaired.stdout, /^problem: unparseable: .*mallory\.dat/m);
  assert.match(repaired.stdout, /^backup: .*\.xmppstore-backup-\d{8}T\d{6}Z$/m);
  assert.deepEqual(await readFile(aliceList), intact, "cut after the last complete item");
  const backup = (await readdir(root)).find((name) => name.startsWith(".xmppstore-backup-"))!;
  assert.equal((await readFile(join(root, backup, "example%2ecom", "archive", "alice.list"))).length, (await stat(aliceList)).size + torn.length);
  await assert.rejects(stat(join(hostDir, "archive", "bob.lidx")));
  assert.ok(await stat(join(root, backup, "example%2ecom", "archive", "bob.lidx")));
  await o.withManager(async (sm) => {
    const items = [];
    for await (const item of await (await sm.open(HOST, "archive", "archive")).find("alice")) items.push(item.id);
    assert.deepEqual(items, ["a0", "a1", "a2"]);
  });
  if (prosodyAvailable()) {
    const seen = await prosodyFind(o.env.setup, HOST, "archive", "alice");
    assert.deepEqual(seen.items.map((i) => i.id), ["a0", "a1", "a2"], "Prosody reads the repaired archive");
  }
  const again = JSON.parse((await xmppstore(["check", "--from", o.from, "--json", "-q"])).stdout);
  assert.deepEqual(kinds(again), ["misspelt-name", "outside-layout", "undecodable-name", "unparseable"]);
});

for (const kind of ["sqlite", "postgres", "mysql"] as const) {
  describe(`check on ${kind}`, () => {
    it("finds a missing index, unknown types and duplicate keys read-only; repairs the index and identical duplicates", async (t) => {
      const o = await operatorEnv(t, kind, { [HOST]: {} });
      if (!o) return;
      await o.withManager(fill);
      const clean = await xmppstore(["check", "--from", o.from]);
      assert.equal(clean.status, 0, clean.stdout + clean.stderr);
      assert.match(clean.stdout, /: no problems$/m);

      const settings = sqlSettings(o.env.xmppstoreConfig, "sql");
      let db = await openForHealth(settings, true);
      t.after(() => db.close());
      const sql = (statement: string, params: Array<string | number> = []) => db.transaction("test", function* () { return yield* run(statement, params); });
      const select = (statement: string) => db.transaction("test", function* () { return yield* rows(statement); });
      await sql(kind === "mysql" ? `DROP INDEX "prosodyarchive_when" ON "prosodyarchive"` : `DROP INDEX "prosodyarchive_when"`);
      const row = `INSERT INTO "prosody" ("host", "user", "store", "key", "type", "value") VALUES (?, ?, ?, ?, ?, ?)`;
      await sql(row, [HOST, "alice", "vcard", "", "weird", "x"]);
      for (let i = 0; i < 2; i++) await sql(row, [HOST, "alice", "private", "note", "string", "same"]);
      await sql(row, [HOST, "bob", "private", "note", "string", "one"]);
      await sql(row, [HOST, "bob", "private", "note", "string", "other"]);
      if (kind === "sqlite") await db.close(); // no other connection while the file is compared
      // The database file itself; a read-only reader of a WAL database may leave empty -wal/-shm files.
      const dbFile = async () => Object.entries(await snapshot(o.env.setup.dataPath)).filter(([f]) => f.endsWith(".sqlite"));
      const fileBefore = kind === "sqlite" ? await dbFile() : undefined;

      const found = await xmppstore(["check", "--from", o.direct, "--json"]);
      assert.equal(found.status, 1, found.stderr);
      assert.deepEqual(kinds(JSON.parse(found.stdout)), ["duplicate-key", "duplicate-key", "missing-index", "unknown-type"]);
      if (fileBefore) {
        assert.deepEqual(await dbFile(), fileBefore, "the SQLite file is opened read-only");
        db = await openForHealth(settings, true);
      }
      assert.equal((await select(`SELECT COUNT(*) FROM "prosody" WHERE "store" = 'private'`))[0]![0] + "", "4");

      const repaired = await xmppstore(["check", "--from", o.from, "--repair", "--json"]);
      assert.equal(repaired.status, 1, "unknown types and differing duplicates are left for a person");
      assert.deepEqual(kinds(JSON.parse(repaired.stdout)), ["duplicate-key", "duplicate-key (fixed)", "missing-index (fixed)", "unknown-type"]);
      const counts = await select(`SELECT "user", COUNT(*) FROM "prosody" WHERE "store" = 'private' GROUP BY "user" ORDER BY "user"`);
      assert.deepEqual(counts.map((r) => `${r[0]}=${r[1]}`), ["alice=1", "bob=2"]);
      const stamp = JSON.parse(repaired.stdout).backups[0].replace(/^.*xmppstore_backup_/, "");
      assert.equal(String((await select(`SELECT COUNT(*) FROM "xmppstore_backup_${stamp}"`))[0]![0]), "2");
      await o.withManager(async (sm) => assert.equal(await (await sm.open(HOST, "private")).get("alice").then((v) => (v as Record<string, unknown>)?.note), "same"));
      const after = JSON.parse((await xmppstore(["check", "--from", o.from, "--json", "-q"])).stdout);
      assert.deepEqual(kinds(after), ["duplicate-key", "unknown-type"]);
    });
  });
}

test("check: a missing SQLite file is bad usage, an unreachable database a problem", async () => {
  assert.equal((await xmppstore(["check", "--from", "sqlite:/nonexistent/prosody.sqlite"])).status, 2);
  const down = await xmppstore(["check", "--from", "postgres://nobody@127.0.0.1:1/none", "-q"]);
  assert.equal(down.status, 1);
  assert.match(down.stdout, /^problem: unreachable/m);
});
