// When a host's prosody_version contradicts the SQL schema (a database of the other Prosody),
// the schema decides which forms are written (README, "Prosody 0.12 or 13"), and the manager's
// logger is told, naming both versions and the host.
import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { Element } from "ltx";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { UUID_V7 } from "../../src/archive/ids.js";
import type { ProsodyVersion, StorageConfig } from "../../src/contracts/index.js";
import { needService } from "../helpers/services.js";
import { mysqlDatabase, postgresDatabase, serverAvailable, sqliteDatabase, type TestDatabase } from "./databases.js";

const msg = new Element("message", { xmlns: "jabber:client" }).c("body").t("hi").root();
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Opens the database for `hosts` (host → prosody_version), appends one archive item on each, and returns the warnings and ids. */
async function openWith(db: TestDatabase, hosts: Record<string, ProsodyVersion | undefined>): Promise<{ warnings: string[]; ids: string[] }> {
  const warnings: string[] = [];
  const config: StorageConfig = {
    storage: "sql",
    sql: db.sql,
    ...(db.dataPath ? { data_path: db.dataPath } : {}),
    hosts: Object.fromEntries(Object.entries(hosts).map(([host, version]) => [host, version === undefined ? {} : { prosody_version: version }])),
    logger: { warn: (line) => warnings.push(line) },
  };
  const sm = new StorageManager(config);
  const ids: string[] = [];
  try {
    for (const host of Object.keys(hosts)) ids.push(await (await sm.open(host, "archive", "archive")).append("juliet", null, msg, 1_700_000_000));
  } finally {
    await sm.close();
  }
  return { warnings, ids };
}

async function contradictionCase(t: TestContext, make: () => Promise<TestDatabase>): Promise<void> {
  for (const [schema, other] of [["13", "0.12"], ["0.12", "13"]] as const) {
    const db = await make();
    t.after(() => db.drop());
    const made = await openWith(db, { "example.com": schema });
    assert.deepEqual(made.warnings, [], "the version that made the schema agrees with it");

    const { warnings, ids } = await openWith(db, { "example.com": undefined, "other.example": other, "third.example": schema });
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0]!, new RegExp(`other\\.example has prosody_version = "${other.replace(".", "\\.")}", but the database has Prosody ${schema.replace(".", "\\.")}'s schema \\(${schema === "13" ? "prosody_unique_index" : "prosody_index"}\\)`));
    for (const id of ids) assert.match(id, schema === "13" ? UUID_V7 : UUID_V4, `the schema wins: Prosody ${schema}'s ids on every host`);
  }
}

test("prosody_version contradicting the schema is warned about on SQLite, and the schema wins", (t) => contradictionCase(t, sqliteDatabase));
test("prosody_version contradicting the schema is warned about on PostgreSQL", async (t) => {
  if (!needService(t, "PostgreSQL", await serverAvailable("PostgreSQL"))) return;
  await contradictionCase(t, postgresDatabase);
});
test("prosody_version contradicting the schema is warned about on MariaDB", async (t) => {
  if (!needService(t, "MariaDB", await serverAvailable("MySQL"))) return;
  await contradictionCase(t, mysqlDatabase);
});
