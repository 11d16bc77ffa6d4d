import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { checkSourceExists, parseSource } from "../../src/config/source.js";
import { parseStoreSpec } from "../../src/config/store-spec.js";
import { ConfigError } from "../../src/config/errors.js";

test("every SOURCE form becomes a storage configuration", () => {
  const cwd = "/work/here";
  assert.deepEqual(parseSource("internal:data", { cwd }).config, { storage: "internal", data_path: "/work/here/data" });
  assert.deepEqual(parseSource("sqlite:/tmp/p.sqlite", { cwd }).config, {
    storage: "sql",
    sql: { driver: "SQLite3", database: "/tmp/p.sqlite" },
  });
  const pg = parseSource("postgres://prosody:s%40cret@db.example:5433/xmpp", { cwd });
  assert.deepEqual(pg.config.sql, {
    driver: "PostgreSQL", database: "xmpp", host: "db.example", port: 5433, username: "prosody", password: "s@cret",
  });
  assert.equal(pg.label, "postgres://prosody:***@db.example:5433/xmpp");
  assert.equal(parseSource("postgresql://u@127.0.0.1/x").config.sql!.driver, "PostgreSQL");
  assert.deepEqual(parseSource("mysql://root@127.0.0.1:3306/prosody").config.sql, {
    driver: "MySQL", database: "prosody", host: "127.0.0.1", port: 3306, username: "root",
  });
  assert.equal(parseSource("mariadb://root@localhost/p").kind, "mysql");
  const prosody = parseSource(`prosody:${fileURLToPath(new URL("./fixtures/debian-prosody.cfg.lua", import.meta.url))}`);
  assert.equal(prosody.kind, "prosody");
  assert.equal(prosody.config.data_path, "/var/lib/prosody");
  assert.equal(prosody.hosts.length, 3);
});

test("bad SOURCE strings are configuration errors saying what is expected", () => {
  const bad: Array<[string, RegExp]> = [
    ["data", /no kind given/],
    ["internal:", /needs a data directory/],
    ["sqlite:", /needs a file name/],
    ["mongodb://x/y", /unknown kind "mongodb"/],
    ["postgres://u:pw@host", /must name a database/],
    ["mysql://u:pw@host:99999/db", /not a valid URL/],
    ["postgres://u@h/db?ssl=1", /unknown parameter "ssl" \(understood: sslmode, sslrootcert\)/],
    ["postgres://u@h/db?sslmode=prefer", /sslmode=require or sslmode=disable/],
    ["prosody:/nonexistent/prosody.cfg.lua", /cannot read Prosody configuration/],
  ];
  for (const [text, expected] of bad) {
    assert.throws(() => parseSource(text), (e: unknown) => e instanceof ConfigError && expected.test(e.message), text);
  }
  assert.throws(() => parseSource("postgres://u:hunter2@h"), (e: unknown) => !(e as Error).message.includes("hunter2"));
});

test("store names with types, as on the command line and in migrator.cfg.lua", () => {
  assert.deepEqual(parseStoreSpec("roster", ":", "--store"), { store: "roster" });
  assert.deepEqual(parseStoreSpec("archive:archive", ":", "--store"), { store: "archive", type: "archive" });
  assert.deepEqual(parseStoreSpec("private:map", ":", "--store"), { store: "private", type: "keyval" });
  assert.deepEqual(parseStoreSpec("muc_log-archive", "-", "hosts"), { store: "muc_log", type: "archive" });
  assert.deepEqual(parseStoreSpec("pep-pubsub", "-", "hosts"), { store: "pep", type: "pubsub" });
  assert.throws(() => parseStoreSpec("roster:list", ":", "--store"), /unknown store type "list"/);
});

test("a SOURCE to read from must exist (no empty database created by a typo)", () => {
  assert.throws(() => checkSourceExists(parseSource("internal:/nonexistent/data")), /internal:\/nonexistent\/data: no such directory/);
  assert.throws(() => checkSourceExists(parseSource("sqlite:/nonexistent.sqlite")), /no such file/);
  assert.throws(() => checkSourceExists(parseSource("sqlite:/tmp")), /\/tmp is not a file/);
  checkSourceExists(parseSource("internal:/tmp"));
  checkSourceExists(parseSource("postgres://u@h/db"));
});
