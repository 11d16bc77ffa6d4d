// Issue 13, item 8: the small things that cost newcomers time.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run, tempDir, withSample } from "./run.js";

test("--help shows SOURCE examples; a usage error prints the command's usage lines, not its whole help", async () => {
  const help = await run(["--help"]);
  assert.match(help.stdout, /SOURCE examples .*optional.*relative paths/s);
  assert.match(help.stdout, /postgres:\/\/prosody\[:PASSWORD\]@db\.example\[:5432\]\/prosody\[\?sslmode=require\]/);
  const bad = await run(["migrate", "--from", "internal:x"]);
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr, `xmppstore migrate: --from and --to are required (or --config)\n\nUsage: xmppstore migrate --from SOURCE --to SOURCE [options]\n       xmppstore migrate --config migrator.cfg.lua [INPUT OUTPUT] [options]\nRun "xmppstore migrate --help" for the options.\n`);
});

test("ls takes --host and --store; get refuses an empty HOST or STORE", async (t) => {
  const dir = await tempDir(t);
  await withSample({ storage: "internal", data_path: join(dir, "data") }, 2);
  const from = `internal:${dir}/data`;
  const positional = await run(["ls", "--from", from, "example.com", "roster"]);
  const named = await run(["ls", "--from", from, "--host", "example.com", "--store", "roster"]);
  assert.equal(named.status, 0, named.stderr);
  assert.equal(named.stdout, positional.stdout);
  assert.match(named.stdout, /"alice"/);
  for (const argv of [["get", "--from", from, "", "roster", "alice"], ["get", "--from", from, "example.com", "", "alice"]]) {
    const result = await run(argv);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /(HOST|STORE) must not be empty/);
  }
});

test("the same source and target are found however they are spelled", async (t) => {
  const dir = await tempDir(t);
  await withSample({ storage: "internal", data_path: join(dir, "data") }, 2);
  symlinkSync(join(dir, "data"), join(dir, "link"));
  writeFileSync(join(dir, "p.cfg.lua"), `data_path = "${dir}/data"\nVirtualHost "example.com"\n`);
  mkdirSync(join(dir, "sub"));
  const pairs = [
    [`internal:${dir}/data`, `internal:${dir}/link`],
    [`prosody:${dir}/p.cfg.lua`, `internal:${dir}/sub/../data`],
    ["postgres://u@localhost/prosody", "postgres://u@127.0.0.1/prosody"],
  ];
  for (const [from, to] of pairs) {
    const result = await run(["migrate", "--from", from, "--to", to, "--quiet"]);
    assert.equal(result.status, 2, `${from} ${to}: ${result.stderr}`);
    assert.match(result.stderr, /source and target are the same storage/);
  }
});

test("get hints at a user or host that differs only by case or preparation", async (t) => {
  const dir = await tempDir(t);
  await withSample({ storage: "internal", data_path: join(dir, "data") }, 2);
  const from = `internal:${dir}/data`;
  const user = await run(["get", "--from", from, "example.com", "roster", "Alice"]);
  assert.equal(user.status, 0);
  assert.match(user.stderr, /nothing stored for "Alice" in example\.com\/roster\nxmppstore: names differ only by case or preparation; did you mean user "alice"\?\n/);
  const host = await run(["get", "--from", from, "EXAMPLE.com", "roster", "alice"]);
  assert.match(host.stderr, /did you mean host "example\.com"\?/);
});
