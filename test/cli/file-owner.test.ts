// Issue 13, item 1: run as root (as operators do, and as CI does), `migrate` writes files the
// server's account can use: files 0640, directories 0750, owned as the target's data directory
// (or the account a prosody: configuration names), and says so in the summary.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { chownSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { needService } from "../helpers/services.js";
import { run, tempDir, withSample } from "./run.js";

const NOBODY = 65534;

function asRoot(t: TestContext): boolean {
  return needService(t, "root", process.getuid?.() === 0, "only root can give files to another user");
}

/** Every path under `dir` (itself excluded), depth first. */
function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(entry.parentPath, entry.name);
    return entry.isDirectory() ? [path, ...walk(path)] : [path];
  });
}

function assertUsable(paths: string[], uid: number, gid: number): void {
  assert.ok(paths.length > 0);
  for (const path of paths) {
    const stats = statSync(path);
    assert.deepEqual(
      { path, uid: stats.uid, gid: stats.gid, mode: (stats.mode & 0o777).toString(8) },
      { path, uid, gid, mode: stats.isDirectory() ? "750" : "640" },
    );
  }
}

async function sampleSource(t: TestContext): Promise<string> {
  const dir = await tempDir(t, "xs-owner-src-");
  await withSample({ storage: "sql", sql: { driver: "SQLite3", database: join(dir, "a.sqlite") } }, 5);
  return `sqlite:${join(dir, "a.sqlite")}`;
}

test("as root, an internal target gets 0640 files and 0750 directories owned as its data directory", async (t) => {
  if (!asRoot(t)) return;
  const from = await sampleSource(t);
  const dir = await tempDir(t, "xs-owner-");
  chownSync(dir, NOBODY, NOBODY);
  const result = await run(["migrate", "--from", from, "--to", `internal:${dir}/data`, "--quiet"]);
  assert.equal(result.status, 0, result.stderr);
  assertUsable([join(dir, "data"), ...walk(join(dir, "data"))], NOBODY, NOBODY);
  assert.match(result.stdout, new RegExp(`files: +new files owned by nobody:nogroup \\(the owner of ${dir}\\)`));
});

test("as root, a SQLite target and its -wal and -shm files are 0640 and owned as their directory", async (t) => {
  if (!asRoot(t)) return;
  const from = await sampleSource(t);
  const dir = await tempDir(t, "xs-owner-");
  chownSync(dir, NOBODY, NOBODY);
  const file = join(dir, "prosody.sqlite");
  const result = await run(["migrate", "--from", from, "--to", `sqlite:${file}`, "--quiet", "--json"]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(JSON.parse(result.stdout).owner, /^nobody:nogroup/);
  // SQLite makes -wal and -shm while a connection writes: look at them then.
  const db = new Database(file);
  try {
    db.prepare(`DELETE FROM "prosody" WHERE "user" = 'nobody-here'`).run();
    assert.ok(readdirSync(dir).includes("prosody.sqlite-wal"), "the file stays in WAL mode");
    assertUsable(walk(dir), NOBODY, NOBODY);
  } finally {
    db.close();
  }
});

test("as root, a prosody: target's files belong to its prosody_user and prosody_group", async (t) => {
  if (!asRoot(t)) return;
  const from = await sampleSource(t);
  const dir = await tempDir(t, "xs-owner-");
  const cfg = join(dir, "prosody.cfg.lua");
  writeFileSync(cfg, `prosody_user = "nobody"\nprosody_group = "nogroup"\ndata_path = "${dir}/data"\nVirtualHost "example.com"\nVirtualHost "conference.example.com"\n`);
  const result = await run(["migrate", "--from", from, "--to", `prosody:${cfg}`, "--quiet"]);
  assert.equal(result.status, 0, result.stderr);
  assertUsable([join(dir, "data"), ...walk(join(dir, "data"))], NOBODY, NOBODY);
  assert.match(result.stdout, /new files owned by nobody:nogroup \(the account Prosody runs as/);
});
