// Proof against real Prosody 0.12 and 13 (mod_storage_sql) on SQLite, PostgreSQL and MariaDB:
// the shared cases of prosody-interop.ts (both read what the other wrote, turns on one archive,
// identical query answers), discovery, and the rows xmppstore writes are the rows Prosody writes.
import assert from "node:assert/strict";
import { test } from "node:test";
import Database from "better-sqlite3";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { valuesEqual, type Value } from "../../src/values/index.js";
import { decodeProsodyJson } from "../../src/format/json/index.js";
import { PROSODY_VERSIONS } from "../helpers/prosody.js";
import { prosodyEnvForTest } from "../helpers/prosody-env.js";
import { DATASET_HOSTS, expectedDataset, writeDatasetWithProsody } from "../helpers/prosody-dataset.js";
import { writeDatasetWithXmppstore } from "../helpers/xmppstore-dataset.js";
import { unguardedBackend } from "../../src/manager/manager.js";
import { collect } from "../conformance/index.js";
import { prosodyInteropSuite } from "./prosody-interop.js";

type Row = { host: string; user: string; store: string; key: string; type: string; value: string };

/** The keyval rows of an SQLite database, with JSON values decoded, for comparing two writers. */
function sqliteRows(file: string): Map<string, { type: string; value: Value | string }> {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare(`SELECT "host", "user", "store", "key", "type", "value" FROM "prosody"`).all() as Row[];
    return new Map(
      rows.map((r) => [`${r.host}|${r.user}|${r.store}|${r.key}`, { type: r.type, value: r.type === "json" ? decodeProsodyJson(r.value) : r.value }]),
    );
  } finally {
    db.close();
  }
}

for (const kind of ["sqlite", "postgres", "mysql"] as const) {
  prosodyInteropSuite(kind, {
    async afterProsodyWrote(sm) {
      const found = await collect((await unguardedBackend(sm, "example.com", "roster")).backend.discover!());
      for (const { host, store } of [...expectedDataset().keyval, ...expectedDataset().archive]) {
        assert.ok(found.some((d) => d.host === host && d.store === store), `discover() finds ${host}/${store}`);
      }
    },
  });
}

for (const version of PROSODY_VERSIONS) {
  test(`xmppstore writes the same keyval rows as Prosody ${version} (SQLite)`, async (t) => {
    const byProsody = await prosodyEnvForTest(t, "sqlite", DATASET_HOSTS, version);
    const byXmppstore = byProsody && (await prosodyEnvForTest(t, "sqlite", DATASET_HOSTS, version));
    if (!byProsody || !byXmppstore) return;
    await writeDatasetWithProsody(byProsody.setup);
    const sm = new StorageManager(byXmppstore.xmppstoreConfig);
    try {
      await writeDatasetWithXmppstore(sm, expectedDataset());
    } finally {
      await sm.close();
    }
    const theirs = sqliteRows(byProsody.sql!.database);
    const ours = sqliteRows(byXmppstore.sql!.database);
    assert.deepEqual([...ours.keys()].sort(), [...theirs.keys()].sort(), "the same (host, user, store, key) rows");
    for (const [key, row] of theirs) {
      const mine = ours.get(key)!;
      assert.equal(mine.type, row.type, `type of ${key}`);
      if (row.type === "json") assert.ok(valuesEqual(mine.value as Value, row.value as Value), `JSON of ${key}`);
      else if (row.type !== "number") assert.equal(mine.value, row.value, `value of ${key}`);
    }
  });
}
