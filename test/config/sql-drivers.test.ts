import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readMigratorConfig } from "../../src/config/migrator-cfg.js";
import { readProsodyConfig } from "../../src/config/prosody-cfg.js";
import { prosodyStorageConfig } from "../../src/config/prosody-storage.js";
import { parseSource } from "../../src/config/source.js";
import { SQL_DRIVERS, SQL_DRIVER_NAMES, driverOfScheme } from "../../src/contracts/index.js";
import { StorageManager } from "../../src/stores/storage-manager.js";

/** Every driver of the registry as a Lua `sql` table, and what the readers must make of it. */
const CASES = [
  { lua: `driver = "SQLite3"`, sql: (data: string) => ({ driver: "SQLite3", database: join(data, "prosody.sqlite") }) },
  { lua: `driver = "SQLite3", database = "other.db"`, sql: (data: string) => ({ driver: "SQLite3", database: join(data, "other.db") }) },
  { lua: `driver = "SQLite3", database = "/abs/x.sqlite"`, sql: () => ({ driver: "SQLite3", database: "/abs/x.sqlite" }) },
  {
    lua: `driver = "PostgreSQL", database = "prosody", host = "db", port = 5433, username = "u", password = "p"`,
    sql: () => ({ driver: "PostgreSQL", database: "prosody", host: "db", port: 5433, username: "u", password: "p" }),
  },
  { lua: `driver = "MySQL", database = "prosody", host = "db"`, sql: () => ({ driver: "MySQL", database: "prosody", host: "db" }) },
];

test("the driver registry covers every engine once, with its command line schemes", () => {
  assert.deepEqual(SQL_DRIVER_NAMES, ["SQLite3", "PostgreSQL", "MySQL"]);
  assert.equal(driverOfScheme("sqlite"), "SQLite3");
  assert.equal(driverOfScheme("PostgreSQL"), "PostgreSQL");
  assert.equal(driverOfScheme("postgres"), "PostgreSQL");
  assert.equal(driverOfScheme("mariadb"), "MySQL");
  assert.equal(driverOfScheme("MySQL"), "MySQL");
  assert.equal(driverOfScheme("oracle"), undefined);
  assert.equal(SQL_DRIVERS.SQLite3.defaultDatabase, "prosody.sqlite");
});

test("every driver through prosody.cfg.lua and migrator.cfg.lua; SQLite3 without database is prosody.sqlite under data_path", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "xs-drivers-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const data = join(dir, "data");
  for (const { lua, sql } of CASES) {
    const prosodyFile = join(dir, "prosody.cfg.lua");
    await writeFile(prosodyFile, `data_path = "${data}"\nstorage = "sql"\nsql = { ${lua} }\nVirtualHost "example.com"\n`);
    const fromProsody = prosodyStorageConfig(readProsodyConfig(prosodyFile));
    assert.deepEqual(fromProsody.config.sql, sql(data), `prosody.cfg.lua: ${lua}`);
    const source = parseSource(`prosody:${prosodyFile}`);
    assert.deepEqual(source.config.sql, sql(data), `prosody:FILE: ${lua}`);

    const migratorFile = join(dir, "migrator.cfg.lua");
    await writeFile(migratorFile, `output { type = "sql", ${lua} }\n`);
    const section = readMigratorConfig(migratorFile, { dataPath: data }).get("output")!;
    assert.deepEqual(section.config.sql, sql(data), `migrator.cfg.lua: ${lua}`);
    assert.equal(section.driver, sql(data).driver);
  }
  // Per host too, and a host using sql without an sql table gets Prosody's default.
  const prosodyFile = join(dir, "hosts.cfg.lua");
  await writeFile(prosodyFile, `data_path = "${data}"\nVirtualHost "a.example"\nstorage = "sql"\nVirtualHost "b.example"\nstorage = "sql"\nsql = { driver = "MySQL", database = "b" }\n`);
  const { config } = prosodyStorageConfig(readProsodyConfig(prosodyFile));
  assert.deepEqual(config.hosts!["a.example"].sql, { driver: "SQLite3", database: join(data, "prosody.sqlite") });
  assert.deepEqual(config.hosts!["b.example"].sql, { driver: "MySQL", database: "b" });
});

test("new StorageManager with sql = { driver = SQLite3 } and no database writes prosody.sqlite under data_path", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "xs-drivers-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const sm = new StorageManager({ storage: "sql", data_path: dir, sql: { driver: "SQLite3" } as never });
  try {
    await (await sm.open("example.com", "roster")).set("juliet", { romeo: { subscription: "both" } });
  } finally {
    await sm.close();
  }
  assert.equal(existsSync(join(dir, "prosody.sqlite")), true);
});
