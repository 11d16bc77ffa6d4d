// Prosody 13's account and role data and its newer stores (account_flags, account_activity,
// accounts_cleanup, vcard_muc, cron, lastlog2, auth_tokens, invite_token), written by real
// Prosody 13, go internal -> SQLite -> internal through migrate with identical dumps, and
// Prosody 13 reads the final copy exactly as it read the original. The typed account_flags
// and account_activity stores read 13's data and write what 13 reads.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { stores } from "../../src/stores/index.js";
import { migrate } from "../../src/jobs/migrate.js";
import type { StorageConfig } from "../../src/contracts/index.js";
import { needService } from "../helpers/services.js";
import { dumpOfConfig } from "../helpers/dump-config.js";
import { prosodyAvailable, prosodyInstallHint, prosodySqlDriverAvailable } from "../helpers/prosody.js";
import { prosody13Ctl } from "../helpers/prosody13-ctl.js";

const HOST = "example.com";
const STORES_13 = ["accounts", "account_roles", "account_flags", "account_activity", "lastlog2", "accounts_cleanup", "vcard_muc", "cron", "auth_tokens", "invite_token"];

async function copy(from: StorageConfig, to: StorageConfig): Promise<void> {
  const [a, b] = [new StorageManager(from), new StorageManager(to)];
  try {
    const report = await migrate({ from: { label: "from", manager: a, hosts: [HOST] }, to: { label: "to", manager: b, hosts: [HOST] } });
    assert.deepEqual(report.failures, []);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

/** What Prosody 13 reads of the data (its own log lines left out). */
async function readBy13(deployment: Parameters<typeof prosody13Ctl>[0]): Promise<string> {
  const out = await prosody13Ctl(deployment, ["mod_xmppstore_stores13", "read", HOST]);
  return out.slice(out.indexOf("DATA "));
}

test("Prosody 13's stores written by 13 go internal -> SQLite -> internal unchanged; 13 reads the copy as the original", async (t) => {
  if (!needService(t, "prosody 13", prosodyAvailable("13"), prosodyInstallHint("13"))) return;
  if (!needService(t, "lua-dbi-sqlite3", prosodySqlDriverAvailable("SQLite3"))) return;
  const dir = await mkdtemp(join(tmpdir(), "xs-p13-stores-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const original = { dir, dataPath: join(dir, "original"), hosts: [HOST] };
  await prosody13Ctl(original, ["mod_xmppstore_stores13", "write", HOST]);
  const seenByProsody = await readBy13(original);
  assert.match(seenByProsody, /account_roles\/bob=\{\["_default"\]="prosody:operator",\["prosody:admin"\]=true\}/);
  assert.match(seenByProsody, /\["disabled_meta"\]=\{\["by"\]="admin@example.com"/);

  const internal: StorageConfig = { data_path: original.dataPath };
  const sqlite: StorageConfig = { data_path: join(dir, "sql"), storage: "sql", sql: { driver: "SQLite3", database: "prosody.sqlite" } };
  const back: StorageConfig = { data_path: join(dir, "back") };
  await copy(internal, sqlite);
  await copy(sqlite, back);
  const first = await dumpOfConfig(internal, [HOST]);
  for (const store of STORES_13) assert.ok(first.includes(`"${store}"`), `the dump has ${store}`);
  assert.equal(await dumpOfConfig(sqlite, [HOST]), first);
  assert.equal(await dumpOfConfig(back, [HOST]), first);

  assert.equal(await readBy13({ dir, dataPath: back.data_path!, hosts: [HOST] }), seenByProsody);
  assert.equal(
    await readBy13({ dir, dataPath: join(dir, "sql"), storage: `storage = "sql"\nsql = { driver = "SQLite3", database = "prosody.sqlite" }`, hosts: [HOST] }),
    seenByProsody,
  );

  // Typed accessors over 13's data: flags and roles as 13 wrote them; a flag xmppstore sets is 13's shape.
  const sm = new StorageManager(back);
  const flags = stores(sm).accountFlags(HOST);
  assert.deepEqual(await flags.list("mallory"), { hibernating: { when: 1712000100, comment: "inactive" }, deleted: { when: 1712000200 } });
  assert.deepEqual(await flags.usersWith("hibernating"), { mallory: { when: 1712000100, comment: "inactive" } });
  assert.equal(await flags.has("alice", "hibernating"), false);
  await flags.add("alice", "hibernating", "away");
  await flags.remove("mallory", "deleted");
  assert.deepEqual(await stores(sm).accountRoles(HOST).get("bob"), { primary: "prosody:operator", secondary: ["prosody:admin"] });
  const activity = stores(sm).accountActivity(HOST);
  assert.equal(await activity.lastActive("alice"), 1712000300);
  await activity.record("bob", 1712000900);
  assert.deepEqual(await activity.all(), { alice: 1712000300, bob: 1712000900 });
  await sm.close();
  const after = await readBy13({ dir, dataPath: back.data_path!, hosts: [HOST] });
  assert.match(after, /account_flags\/alice=\{\["hibernating"\]=\{\["comment"\]="away",\["when"\]=\d+\}\}/);
  assert.match(after, /account_activity\/bob=\{\["timestamp"\]=1712000900\}/);
  assert.match(after, /account_flags\/mallory=\{\["hibernating"\]=\{\["comment"\]="inactive",\["when"\]=1712000100\}\}/);
});
