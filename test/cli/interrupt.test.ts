// Issue 13, item 6: SIGINT and SIGTERM, sent to a real `xmppstore migrate` process while it
// writes, stop it at a safe point: a message saying how far it got and what to do, exit status
// 130/143, no lock left behind, and running the command again finishes the work.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Element } from "ltx";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { unguardedBackend } from "../../src/manager/manager.js";
import type { BulkWriter } from "../../src/jobs/target.js";
import { LOCK_FILE } from "../../src/backends/internal/process-lock.js";
import { run, tempDir } from "./run.js";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
const N = 20_000;

/** A SQLite source with one archive of N items (written through the bulk path: quick). */
async function bigSource(file: string): Promise<void> {
  const sm = new StorageManager({ storage: "sql", sql: { driver: "SQLite3", database: file } });
  const { backend } = await unguardedBackend(sm, "example.com", "archive");
  const items = [];
  for (let i = 0; i < N; i++) {
    const value = new Element("message", { to: "carol@example.com" }).c("body").t(`n${i}`).root();
    items.push({ user: "carol", store: "archive", key: `c-${i}`, value, when: 1600000000 + i, with: "dave@example.com" });
  }
  await (backend as unknown as BulkWriter).bulkAppend(items);
  await (await sm.open("example.com", "roster")).set("carol", { "dave@example.com": { subscription: "both" } });
  await sm.close();
}

const size = (file: string) => (existsSync(file) ? statSync(file).size : 0);

/** Starts the migration, waits until `progressed()` says it is writing, sends `signal`, and gives how it ended. */
async function interrupt(argv: string[], progressed: () => boolean, signal: NodeJS.Signals) {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, ...argv], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on("exit", (code, sig) => done({ code, signal: sig })));
  while (child.exitCode === null && !progressed()) await new Promise((r) => setTimeout(r, 10));
  child.kill(signal);
  return { ...(await exited), stderr: () => stderr };
}

test("SIGINT to a migration into internal storage: exit 130, how far it got, no stale lock; a second run finishes", async (t) => {
  const dir = await tempDir(t, "xs-sigint-");
  await bigSource(join(dir, "from.sqlite"));
  const argv = ["migrate", "--from", `sqlite:${dir}/from.sqlite`, "--to", `internal:${dir}/data`, "--quiet"];
  const list = join(dir, "data", "example%2ecom", "archive", "carol.list");
  const ended = await interrupt(argv, () => size(list) > 100_000, "SIGINT");
  assert.deepEqual({ code: ended.code, signal: ended.signal, stderr: ended.stderr() }, { code: 130, signal: null, stderr: ended.stderr() });
  const moved = Number(/interrupted after (\d+) items; run the same command again to finish/.exec(ended.stderr())?.[1]);
  assert.ok(moved > 0 && moved < N + 1, `stopped half-way: ${ended.stderr()}`);
  assert.equal(existsSync(join(dir, "data", LOCK_FILE)), false, "the lock is released");

  const again = await run([...argv, "--verify", "--json"]);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout).verify.equal, true);
});

test("SIGTERM to a migration into SQLite: exit 143 and the message; a second run finishes", async (t) => {
  const dir = await tempDir(t, "xs-sigterm-");
  await bigSource(join(dir, "from.sqlite"));
  const argv = ["migrate", "--from", `sqlite:${dir}/from.sqlite`, "--to", `sqlite:${dir}/to.sqlite`, "--quiet"];
  const ended = await interrupt(argv, () => size(join(dir, "to.sqlite-wal")) > 200_000, "SIGTERM");
  assert.deepEqual({ code: ended.code, signal: ended.signal }, { code: 143, signal: null }, ended.stderr());
  assert.match(ended.stderr(), /^xmppstore migrate: interrupted after \d+ items; run the same command again to finish \(SIGTERM\)\n$/);
  const again = await run([...argv, "--verify", "--json"]);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout).verify.equal, true);
});
