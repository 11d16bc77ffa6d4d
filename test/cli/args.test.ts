import { test } from "node:test";
import assert from "node:assert/strict";
import { UsageError } from "../../src/cli/args.js";
import * as migrate from "../../src/cli/commands/migrate.js";
import * as dump from "../../src/cli/commands/dump.js";
import * as ls from "../../src/cli/commands/ls.js";
import * as get from "../../src/cli/commands/get.js";
import { main } from "../../src/cli/main.js";
import { captureIO } from "./io.js";

test("migrate: argv to options", () => {
  assert.deepEqual(migrate.parse(["--from", "internal:data", "--to=sqlite:/tmp/x.sqlite", "--host", "a.example", "--host", "b.example",
    "--store", "roster", "--store", "archive:archive", "--keep-going", "--json", "-q", "--verify"]), {
    from: "internal:data",
    to: "sqlite:/tmp/x.sqlite",
    config: undefined,
    hosts: ["a.example", "b.example"],
    stores: [{ store: "roster" }, { store: "archive", type: "archive" }],
    keepGoing: true,
    replace: false,
    verify: true,
    json: true,
    quiet: true,
  });
  assert.equal(migrate.parse(["--from", "internal:d", "--to", "internal:e", "--replace"]).replace, true);
  assert.deepEqual(migrate.parse(["--config", "m.cfg.lua"]).config, { file: "m.cfg.lua", input: "input", output: "output" });
  assert.deepEqual(migrate.parse(["--config", "m.cfg.lua", "old", "new"]).config, { file: "m.cfg.lua", input: "old", output: "new" });
});

test("migrate: usage mistakes", () => {
  const bad: Array<[string[], RegExp]> = [
    [["--from", "internal:d"], /--from and --to are required/],
    [["--from", "internal:d", "--to", "sqlite:x", "extra"], /unexpected argument "extra"/],
    [["--config", "m.cfg.lua", "--from", "internal:d"], /--config replaces --from and --to/],
    [["--config", "m.cfg.lua", "only-input"], /both INPUT and OUTPUT/],
    [["--from", "a", "--to", "b", "--frobnicate"], /unknown option --frobnicate/],
    [["--from", "a", "--to"], /--to needs a value/],
    [["--from", "a", "--from", "b", "--to", "c"], /--from given twice/],
    [["--from", "a", "--to", "b", "--store", "roster:list"], /unknown store type "list"/],
    [["--from", "a", "--to", "b", "--json=yes"], /--json takes no value/],
    [["--from", "a", "--to", "b", "-x"], /unknown option -x/],
  ];
  for (const [argv, expected] of bad) assert.throws(() => migrate.parse(argv), (e: unknown) => e instanceof UsageError && expected.test(e.message), argv.join(" "));
});

test("dump, ls and get: argv to options", () => {
  assert.deepEqual(dump.parse(["--from", "sqlite:p.sqlite", "--store", "roster"]), { from: "sqlite:p.sqlite", hosts: [], stores: [{ store: "roster" }] });
  assert.throws(() => dump.parse([]), /--from is required/);
  assert.deepEqual(ls.parse(["--from", "internal:d", "example.com"]), { from: "internal:d", host: "example.com", store: undefined, json: false });
  assert.throws(() => ls.parse(["--from", "internal:d", "h", "s", "u"]), /unexpected argument "u"/);
  assert.deepEqual(get.parse(["--from", "internal:d", "example.com", "roster", "alice", "--type", "keyval"]), {
    from: "internal:d", host: "example.com", store: "roster", user: "alice", type: "keyval",
  });
  assert.equal(get.parse(["--from", "internal:d", "example.com", "pubsub_nodes", ""]).user, null);
  assert.throws(() => get.parse(["--from", "internal:d", "example.com", "roster"]), /missing USER/);
  assert.throws(() => get.parse(["--from", "internal:d", "h", "s", "u", "--type", "list"]), /--type must be keyval or archive/);
  // "--" ends the options: a user name that starts with a dash.
  assert.equal(get.parse(["--from", "internal:d", "--", "h", "s", "-dash"]).user, "-dash");
});

test("main: help, version, and exit status 2 for bad usage and configuration", async () => {
  for (const command of ["migrate", "dump", "ls", "get"]) {
    const io = captureIO();
    assert.equal(await main([command, "--help"], io), 0);
    assert.match(io.stdout(), new RegExp(`^Usage: xmppstore ${command}`));
  }
  let io = captureIO();
  assert.equal(await main(["--version"], io), 0);
  assert.match(io.stdout(), /^\d+\.\d+\.\d+/);
  io = captureIO();
  assert.equal(await main(["frobnicate"], io), 2);
  assert.match(io.stderr(), /unknown command "frobnicate"/);
  io = captureIO();
  assert.equal(await main(["migrate", "--from", "internal:/x"], io), 2);
  assert.match(io.stderr(), /--from and --to are required[\s\S]*Usage: xmppstore migrate/);
  io = captureIO();
  assert.equal(await main(["dump", "--from", "oracle:/x"], io), 2);
  assert.match(io.stderr(), /bad SOURCE "oracle:\/x": unknown kind "oracle"/);
  io = captureIO();
  assert.equal(await main(["migrate", "--from", "internal:/x", "--to", "internal:/x"], io), 2);
  assert.match(io.stderr(), /source and target are the same storage/);
  io = captureIO({ cwd: "/srv" });
  assert.equal(await main(["migrate", "--from", "internal:data", "--to", "internal:/srv/./data/"], io), 2);
  assert.match(io.stderr(), /source and target are the same storage/);
  io = captureIO({ cwd: "/srv" });
  assert.equal(await main(["migrate", "--from", "sqlite:p.sqlite", "--to", "sqlite:/srv/p.sqlite"], io), 2);
  io = captureIO();
  assert.equal(await main(["ls", "--from", "prosody:/nonexistent.cfg.lua"], io), 2);
  assert.match(io.stderr(), /cannot read Prosody configuration/);
});
