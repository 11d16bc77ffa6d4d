import { test } from "node:test";
import assert from "node:assert/strict";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/cli/main.js";
import { EXAMPLE_DATA } from "../migrate/example-data.js";
import { captureIO } from "./io.js";

async function run(argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const io = captureIO();
  const status = await main(argv, io);
  return { status, stdout: io.stdout(), stderr: io.stderr() };
}

test("a corrupt file in the source: the run stops (exit 1) naming it, or --keep-going skips it and lists it", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "xs-bad-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const data = join(dir, "data");
  await cp(EXAMPLE_DATA, data, { recursive: true });
  await writeFile(join(data, "example%2ecom", "roster", "juliet.dat"), "return { [\"broken\" = ;\n");
  await writeFile(join(data, "example%2ecom", "archive", "juliet.list"), "item({ name = \"message\"; attr = {}; key = \"k\"; when = 1; });\nitem({ oops\n");

  const stopped = await run(["migrate", "--from", `internal:${data}`, "--to", `sqlite:${dir}/a.sqlite`, "--quiet"]);
  assert.equal(stopped.status, 1);
  assert.match(stopped.stderr, /xmppstore migrate: \[migrate\] example\.com \w+ store \w+, user "juliet": .*juliet\.(dat|list)/);

  const kept = await run(["migrate", "--from", `internal:${data}`, "--to", `sqlite:${dir}/b.sqlite`, "--keep-going", "--json", "--quiet"]);
  assert.equal(kept.status, 1);
  const report = JSON.parse(kept.stdout);
  assert.deepEqual(report.failures.map((f: { store: string; user: string }) => `${f.store}/${f.user}`).sort(), ["archive/juliet", "roster/juliet"]);
  assert.equal(report.items, 53 - 1 - 12, "everything else was moved");
  assert.match(kept.stderr, /2 item\(s\) could not be migrated/);
  const roster = JSON.parse((await run(["get", "--from", `sqlite:${dir}/b.sqlite`, "example.com", "roster", "john doe"])).stdout);
  assert.ok(roster.keyval, "other users' rosters arrived");
});
