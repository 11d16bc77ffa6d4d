import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readMigratorConfig } from "../../src/config/migrator-cfg.js";
import { ConfigError } from "../../src/config/errors.js";

const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));

test("Debian's stock migrator.cfg.lua: locals, .. and per-host store lists with types", () => {
  const sections = readMigratorConfig(join(fixtures, "debian-migrator.cfg.lua"));
  assert.deepEqual([...sections.keys()], ["input", "output"]);
  const input = sections.get("input")!;
  assert.equal(input.kind, "internal");
  assert.deepEqual(input.config, { storage: "internal", data_path: "/var/lib/prosody" });
  assert.deepEqual(input.hosts!["example.com"].slice(0, 2), [{ store: "accounts" }, { store: "account_details" }]);
  assert.deepEqual(input.hosts!["example.com"].slice(-4), [
    { store: "archive", type: "archive" },
    { store: "offline", type: "archive" },
    { store: "pubsub_nodes", type: "pubsub" },
    { store: "pep", type: "pubsub" },
  ]);
  assert.deepEqual(input.hosts!["conference.example.com"].at(-1), { store: "muc_log", type: "archive" });
  const output = sections.get("output")!;
  assert.equal(output.kind, "sql");
  assert.deepEqual(output.config, { storage: "sql", sql: { driver: "SQLite3", database: "/var/lib/prosody/prosody.sqlite" } });
  assert.equal(output.hosts, undefined);
});

test("sql outputs for every driver, legacy type names, relative paths and bad sections", async () => {
  const dir = await mkdtemp(join(tmpdir(), "xs-mcfg-"));
  try {
    const file = join(dir, "m.cfg.lua");
    await writeFile(
      file,
      `old { type = "prosody_files", path = "data" }
pg { type = "prosody_sql", driver = "PostgreSQL", database = "prosody", host = "127.0.0.1", port = 5432, username = "u", password = "p" }
my { type = "sql"; driver = "MySQL"; database = "prosody" }
`,
    );
    const sections = readMigratorConfig(file, { dataPath: "/srv/prosody" });
    assert.deepEqual(sections.get("old")!.config, { storage: "internal", data_path: "/srv/prosody/data" });
    assert.deepEqual(sections.get("pg")!.config.sql, {
      driver: "PostgreSQL", database: "prosody", host: "127.0.0.1", port: 5432, username: "u", password: "p",
    });
    assert.equal(sections.get("pg")!.label.includes("p@"), false);
    assert.equal(sections.get("my")!.config.sql!.driver, "MySQL");

    const bad: Array<[string, RegExp]> = [
      [`input { type = "mongo" }`, /m\.cfg\.lua:1: type must be "internal" or "sql"/],
      [`input { type = "sql", driver = "MySQL" }`, /database must be set/],
      [`input "x"`, /m\.cfg\.lua:1: input must be followed by one table/],
      [`input { type = "internal", hosts = { ["a"] = { "roster-weird" } } }`, /unknown store type "weird"/],
      [`input { type = "internal", hosts = { ["a"] = "roster" } }`, /must be a list of store names/],
      [`for i = 1, 2 do end`, /m\.cfg\.lua:1: 'for' statements are not understood/],
    ];
    for (const [text, expected] of bad) {
      await writeFile(file, text);
      assert.throws(() => readMigratorConfig(file), (e: unknown) => e instanceof ConfigError && expected.test(e.message), text);
    }
    assert.throws(() => readMigratorConfig(join(dir, "none.cfg.lua")), ConfigError);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
