// The migrator against the real thing, for Prosody 0.12 and 13: a data set written by Prosody
// itself goes internal -> SQLite -> PostgreSQL -> MySQL -> internal and comes back with the same
// dump, Prosody reads the migrated data back unchanged, and Prosody's own prosody-migrator
// (Debian's for 0.12, the built one for 13) moving the same data gives the same dump as xmppstore.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { needService, commandWorks } from "../helpers/services.js";
import { LUA, PROSODY_VERSIONS, prosodyAvailable, prosodyProcessEnv, prosodySourceDir, type ProsodyVersion } from "../helpers/prosody.js";
import { prosodyEnvForTest, type ProsodyEnv, type ProsodyEnvKind } from "../helpers/prosody-env.js";
import { DATASET_HOSTS, datasetDifferences, datasetStores, expectedDataset, readWithProsody, writeDatasetWithProsody } from "../helpers/prosody-dataset.js";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { dump } from "../../src/jobs/dump.js";
import { migrate } from "../../src/jobs/migrate.js";
import type { DataSource } from "../../src/jobs/data-source.js";
import { main } from "../../src/cli/main.js";
import { captureIO } from "../cli/io.js";

const env = (t: TestContext, kind: ProsodyEnvKind, version: ProsodyVersion) => prosodyEnvForTest(t, kind, DATASET_HOSTS, version);

function source(made: ProsodyEnv, target = false): DataSource {
  const config = target ? { ...made.xmppstoreConfig, storage_archive_item_limit: 1_000_000 } : made.xmppstoreConfig;
  return { label: `${made.kind}:${made.setup.dataPath}`, manager: new StorageManager(config), hosts: [] };
}

async function dumpOf(made: ProsodyEnv): Promise<string> {
  const s = source(made);
  const chunks: string[] = [];
  try {
    await dump(s, (c) => void chunks.push(c));
  } finally {
    await s.manager.close();
  }
  return chunks.join("");
}

async function migrateBetween(from: ProsodyEnv, to: ProsodyEnv): Promise<void> {
  const [a, b] = [source(from), source(to, true)];
  try {
    const report = await migrate({ from: a, to: b, pageSize: 5 });
    assert.deepEqual(report.failures, []);
  } finally {
    await a.manager.close();
    await b.manager.close();
  }
}

for (const version of PROSODY_VERSIONS)
test(`Prosody ${version}'s data set: internal -> SQLite -> PostgreSQL -> MySQL -> internal, identical dumps; Prosody reads the copies`, async (t) => {
  const chain: ProsodyEnv[] = [];
  for (const kind of ["internal", "sqlite", "postgres", "mysql", "internal"] as const) {
    const made = await env(t, kind, version);
    if (!made) return;
    chain.push(made);
  }
  await writeDatasetWithProsody(chain[0].setup);
  const original = await dumpOf(chain[0]);
  const doc = JSON.parse(original);
  assert.ok(doc.hosts["pubsub.example.com"].archive["pubsub_princely_musings"], "pubsub node archives are in the dump");
  for (let i = 1; i < chain.length; i++) {
    await migrateBetween(chain[i - 1], chain[i]);
    assert.equal(await dumpOf(chain[i]), original, `dump after migrating into ${chain[i].kind}`);
  }
  for (const made of [chain[1], chain[4]]) {
    assert.deepEqual(datasetDifferences(await readWithProsody(made.setup), expectedDataset()), [], `Prosody reading ${made.kind}`);
  }
});

/** prosody-migrator's store list for the data set, naming every pubsub_<node>/pep_<node> archive (see prosody-facts.md). */
function migratorStoreLists(): Record<string, string[]> {
  const lists: Record<string, string[]> = {};
  for (const { host, store, kind } of datasetStores(expectedDataset())) {
    (lists[host] ??= []).push(kind === "archive" ? `${store}-archive` : store);
  }
  return lists;
}

function luaString(text: string): string {
  return JSON.stringify(text); // the paths and names here are ASCII without escapes Lua reads differently
}

/** Prosody's own migrator: Debian's launcher for 0.12, the built tree's script (run by lua5.4) for 13. */
function prosodyMigrator(version: ProsodyVersion): { command: string; args: string[] } {
  if (version === "0.12") return { command: "prosody-migrator", args: [] };
  return { command: LUA, args: [join(prosodySourceDir(version), "tools", "migration", "prosody-migrator.lua")] };
}

for (const version of PROSODY_VERSIONS)
test(`Prosody ${version}'s prosody-migrator and xmppstore migrate the same data set to equal dumps`, async (t) => {
  const migrator = prosodyMigrator(version);
  const works = prosodyAvailable(version) && (version === "0.12" ? commandWorks(migrator.command, ["--help"]) : existsSync(migrator.args[0]!));
  if (!needService(t, `prosody-migrator ${version}`, works, "apt-get install prosody; bash /work/shared/prosody13/build.sh")) return;
  const from = await env(t, "internal", version);
  const theirs = await env(t, "sqlite", version);
  const ours = await env(t, "sqlite", version);
  if (!from || !theirs || !ours) return;
  await writeDatasetWithProsody(from.setup);

  const hosts = Object.entries(migratorStoreLists())
    .map(([host, stores]) => `[${luaString(host)}] = { ${stores.map(luaString).join(", ")} }`)
    .join(";\n    ");
  const config = join(theirs.setup.dataPath, "migrator.cfg.lua");
  await writeFile(config, `input {
  type = "internal"; path = ${luaString(from.setup.dataPath)};
  hosts = {
    ${hosts}
  };
}
output { type = "sql"; driver = "SQLite3"; database = ${luaString(theirs.sql!.database)} }
`);
  // As root it needs --root; it changes to its data directory, so every path above is absolute.
  const run = spawnSync(migrator.command, [...migrator.args, "--root", "--config", config, "input", "output"], {
    encoding: "utf8",
    env: { ...prosodyProcessEnv(version), PROSODY_DATADIR: theirs.setup.dataPath },
  });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);

  const io = captureIO();
  const status = await main(["migrate", "--from", `internal:${from.setup.dataPath}`, "--to", `sqlite:${ours.sql!.database}`, "--quiet"], io);
  assert.equal(status, 0, io.stderr());
  const expected = await dumpOf(from);
  assert.deepEqual(Object.keys(JSON.parse(expected).hosts), DATASET_HOSTS.slice().sort());
  assert.equal(await dumpOf(ours), expected, "xmppstore's copy");
  assert.equal(await dumpOf(theirs), expected, "prosody-migrator's copy");
});

/** Every `.list` below `dir`, and whether a `.lidx` lies beside it. */
async function listsAndIndexes(dir: string): Promise<Array<[string, boolean]>> {
  const found: Array<[string, boolean]> = [];
  for (const entry of await readdir(dir, { recursive: true })) {
    if (entry.endsWith(".list")) found.push([entry, existsSync(join(dir, entry.replace(/\.list$/, ".lidx")))]);
  }
  return found.sort();
}

test("migrating 0.12's files into a 13 deployment (prosody_version 13) writes every .lidx; Prosody 13 reads all of it", async (t) => {
  const from = await env(t, "internal", "0.12");
  const to = from && (await env(t, "internal", "13"));
  if (!from || !to) return;
  await writeDatasetWithProsody(from.setup);
  assert.ok((await listsAndIndexes(from.setup.dataPath)).every(([, indexed]) => !indexed), "0.12 keeps no .lidx");
  const a = source(from);
  const b: DataSource = { label: "13", manager: new StorageManager({ ...to.xmppstoreConfig, prosody_version: "13", storage_archive_item_limit: 1_000_000 }), hosts: [] };
  try {
    assert.deepEqual((await migrate({ from: a, to: b, pageSize: 5 })).failures, []);
  } finally {
    await a.manager.close();
    await b.manager.close();
  }
  const lists = await listsAndIndexes(to.setup.dataPath);
  assert.ok(lists.length >= 5, lists.join(" "));
  assert.deepEqual(lists.filter(([, indexed]) => !indexed), [], "every list has its .lidx");
  assert.deepEqual(datasetDifferences(await readWithProsody(to.setup), expectedDataset()), [], "Prosody 13 reads the migrated data through them");
  assert.equal(await dumpOf(to), await dumpOf(from));
});
