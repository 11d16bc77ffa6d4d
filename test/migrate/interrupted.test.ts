import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
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

const KILL_HOOK = fileURLToPath(new URL("./kill-after-commits.mjs", import.meta.url));

/** Archive rows the target holds. */
function targetRows(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM "prosodyarchive"`).get() as { n: number }).n;
  } finally {
    db.close();
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

  // The child kills itself right after the commit that brings the target to 5000 archive rows
  // (the hook above): a point the test chooses, between two archive pages.
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--import", KILL_HOOK, MAIN, "migrate", "--from", `sqlite:${from}`, "--to", `sqlite:${to}`, "--quiet"],
    { stdio: "ignore", env: { ...process.env, XS_KILL_TARGET: to, XS_KILL_AT_ROWS: "5000" } },
  );
  const signal = await new Promise<NodeJS.Signals | null>((done) => child.on("exit", (_code, sig) => done(sig)));
  assert.equal(signal, "SIGKILL", "the migration was killed by the hook, not finished");
  const seen = targetRows(to);
  assert.ok(seen >= 5000 && seen < N, `interrupted half-way (${seen} of ${N} items)`);

  const again = await cli(["migrate", "--from", `sqlite:${from}`, "--to", `sqlite:${to}`, "--quiet", "--verify", "--json"]);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout).verify.equal, true);
  const a = await cli(["dump", "--from", `sqlite:${from}`]);
  const b = await cli(["dump", "--from", `sqlite:${to}`]);
  assert.equal(a.stdout, b.stdout);
  assert.equal(JSON.parse(b.stdout).hosts["example.com"].archive.archive.carol.length, N);
});
