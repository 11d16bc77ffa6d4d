// A few runs of the built program, as a user runs it (`npm run build` first; `npm test` does).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "dist/src/cli/main.js");
/** Without a build these tests fail (never skip): `npm test` builds first, so must anyone else. */
function needBuild(): void {
  assert.ok(existsSync(BIN), `${BIN} does not exist: run \`npm run build\` first`);
}

const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 26 });

test("the README's first command: migrate examples/data to SQLite, print the summary; dumps agree", async (t) => {
  needBuild();
  const dir = await mkdtemp(join(tmpdir(), "xs-bin-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const target = `sqlite:${join(dir, "example.sqlite")}`;
  const migrated = run(["migrate", "--from", "internal:examples/data", "--to", target]);
  assert.equal(migrated.status, 0, migrated.stderr);
  assert.match(migrated.stdout, /^Migrated internal:examples\/data -> sqlite:.*example\.sqlite in [\d.]+ s\n {2}hosts: {4}3\n/);
  assert.match(migrated.stdout, /failures: 0\n/);
  assert.match(migrated.stderr, /^migrating \d+ items/);
  const a = run(["dump", "--from", "internal:examples/data"]);
  const b = run(["dump", "--from", target]);
  assert.equal(a.status, 0);
  assert.equal(b.stdout, a.stdout);
});

test("the built program: help, version, exit status 2 on bad usage", () => {
  needBuild();
  assert.match(run(["--help"]).stdout, /^Usage: xmppstore <command>/);
  assert.match(run(["ls", "--help"]).stdout, /^Usage: xmppstore ls/);
  const bad = run(["migrate", "--from", "nowhere"]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--from and --to are required/);
  const missing = run(["ls", "--from", "sqlite:/nonexistent/dir/x.sqlite"]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /no such file \/nonexistent\/dir\/x\.sqlite/);
  assert.equal(existsSync("/nonexistent"), false);
});
