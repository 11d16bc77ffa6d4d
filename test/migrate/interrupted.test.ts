import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { Element } from "ltx";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { fillSample } from "./sample.js";
import { main } from "../../src/cli/main.js";
import { captureIO } from "../cli/io.js";
import type { BulkWriter } from "../../src/jobs/target.js";
import { unguardedBackend } from "../../src/manager/manager.js";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
async function cli(argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const io = captureIO();
  const status = await main(argv, io);
  return { status, stdout: io.stdout(), stderr: io.stderr() };
}

/** Archive rows the target holds so far (WAL lets a reader look while the migration writes). */
function targetRows(file: string): number {
  if (!existsSync(file)) return 0;
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare(`SELECT count(*) AS n FROM "prosodyarchive"`).get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0; // not created yet
  }
}

test("a migration killed half-way (SIGKILL) and run again completes with an identical dump", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "xs-kill-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const from = join(dir, "from.sqlite");
  const to = join(dir, "to.sqlite");
  const sm = new StorageManager({ storage: "sql", sql: { driver: "SQLite3", database: from } });
  await fillSample(sm, 10);
  // Written through the sql backend's bulk path: appending one by one would take most of the test.
  const { backend } = await unguardedBackend(sm, "example.com", "archive");
  const N = 20_000;
  const items = [];
  for (let i = 0; i < N; i++) {
    const value = new Element("message", { to: "carol@example.com" }).c("body").t(`n${i}`).root();
    items.push({ user: "carol", store: "archive", key: `c-${i}`, value, when: 1600000000 + i, with: "dave@example.com" });
  }
  await (backend as unknown as BulkWriter).bulkAppend(items);
  await sm.close();

  const child = spawn(process.execPath, ["--import", "tsx", MAIN, "migrate", "--from", `sqlite:${from}`, "--to", `sqlite:${to}`, "--quiet"], { stdio: "ignore" });
  const exited = new Promise<NodeJS.Signals | null>((done) => child.on("exit", (_code, signal) => done(signal)));
  let seen = 0;
  while (child.exitCode === null && (seen = targetRows(to)) < 3000) await new Promise((r) => setTimeout(r, 20));
  child.kill("SIGKILL");
  assert.equal(await exited, "SIGKILL", "the migration finished before it could be interrupted");
  assert.ok(seen > 0 && seen < N, `interrupted half-way (${seen} of ${N} items)`);

  const again = await cli(["migrate", "--from", `sqlite:${from}`, "--to", `sqlite:${to}`, "--quiet", "--verify", "--json"]);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout).verify.equal, true);
  const a = await cli(["dump", "--from", `sqlite:${from}`]);
  const b = await cli(["dump", "--from", `sqlite:${to}`]);
  assert.equal(a.stdout, b.stdout);
  assert.equal(JSON.parse(b.stdout).hosts["example.com"].archive.archive.carol.length, N);
});
