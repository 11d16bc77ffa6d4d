// Prosody 0.12's `roles` become 13's `account_roles` when a migration's target is a 13
// deployment, ranked by 13's role hierarchy; real Prosody 13 reads the result.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LuaTable } from "../../src/values/index.js";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { stores } from "../../src/stores/index.js";
import { convertProsody012Roles } from "../../src/stores/account-roles.js";
import { migrate } from "../../src/jobs/migrate.js";
import { managerSource } from "../../src/jobs/data-source.js";
import { main } from "../../src/cli/main.js";
import { captureIO } from "../cli/io.js";
import { needService } from "../helpers/services.js";
import { prosodyAvailable, prosodyInstallHint, prosodySqlDriverAvailable } from "../helpers/prosody.js";
import { prosody13Ctl } from "../helpers/prosody13-ctl.js";

const HOST = "example.com";

test("0.12 roles convert by Prosody 13's hierarchy: highest primary, the others secondary", () => {
  const convert = (value: Record<string, boolean> | LuaTable) => convertProsody012Roles(value);
  assert.deepEqual(convert({ "prosody:admin": true }), { from: ["prosody:admin"], roles: { primary: "prosody:admin", secondary: [] } });
  assert.deepEqual(convert({ "prosody:admin": true, "prosody:operator": true }), {
    from: ["prosody:admin", "prosody:operator"], roles: { primary: "prosody:operator", secondary: ["prosody:admin"] },
  });
  assert.deepEqual(convert({ "prosody:guest": true, "prosody:member": true, "prosody:registered": true, "custom:editor": true })!.roles, {
    primary: "prosody:member", secondary: ["custom:editor", "prosody:guest", "prosody:registered"],
  });
  // A role stored as false is not granted in 0.12; keys starting with "_" are not roles.
  assert.deepEqual(convert({ "prosody:admin": false, "prosody:member": true, _meta: true })!.roles, { primary: "prosody:member", secondary: [] });
  assert.equal(convert({ "prosody:admin": false }), undefined);
  // One custom role becomes primary (as 13's own migration makes it); several stay secondary.
  assert.deepEqual(convert({ "custom:editor": true })!.roles, { primary: "custom:editor", secondary: [] });
  const several = convert({ "custom:a": true, "custom:b": true })!;
  assert.deepEqual(several.roles, { secondary: ["custom:a", "custom:b"] });
  assert.match(several.note!, /none of Prosody's own/);
  assert.equal(convert(LuaTable.from({}, [[1, true]])), undefined);
});

async function fill012Roles(sm: StorageManager): Promise<void> {
  const roles = await sm.open(HOST, "roles");
  await roles.set("alice", { "prosody:admin": true });
  await roles.set("bob", { "prosody:admin": true, "prosody:operator": true });
  await roles.set("carol", { "prosody:admin": false });
}

test("migrate converts roles only for a 13 target: explicit, by prosody_version, by an SQL schema of 13's; 13's own account_roles win", async (t) => {
  const memory = () => new StorageManager({ storage: "memory" });
  const from = memory();
  await fill012Roles(from);
  const accountRoles = async (sm: StorageManager, user: string) => (await sm.open(HOST, "account_roles")).get(user);

  const plain = memory();
  const report012 = await migrate({ from: managerSource(from, [HOST]), to: managerSource(plain, [HOST]) });
  assert.equal(report012.roles, undefined);
  assert.equal(await accountRoles(plain, "alice"), undefined);
  assert.deepEqual(await (await plain.open(HOST, "roles")).get("bob"), { "prosody:admin": true, "prosody:operator": true });

  const explicit = memory();
  const report = await migrate({ from: managerSource(from, [HOST]), to: managerSource(explicit, [HOST]), targetVersion: "13" });
  assert.deepEqual(await accountRoles(explicit, "alice"), { _default: "prosody:admin" });
  assert.deepEqual(await accountRoles(explicit, "bob"), { _default: "prosody:operator", "prosody:admin": true });
  assert.equal(await accountRoles(explicit, "carol"), undefined);
  assert.deepEqual(report.roles!.converted.map((c) => [c.user, c.roles.primary, c.roles.secondary]), [
    ["alice", "prosody:admin", []], ["bob", "prosody:operator", ["prosody:admin"]],
  ]);
  assert.deepEqual(report.roles!.skipped, [{ host: HOST, user: "carol", reason: "the 0.12 record grants no role" }]);
  // The 0.12 records travel unchanged too (13 ignores them; nothing is lost).
  assert.deepEqual(await (await explicit.open(HOST, "roles")).get("alice"), { "prosody:admin": true });

  const byOption = new StorageManager({ storage: "memory", hosts: { [HOST]: { prosody_version: "13" } } });
  assert.equal((await migrate({ from: managerSource(from, [HOST]), to: managerSource(byOption, [HOST]) })).roles?.converted.length, 2);

  // An SQL database says which Prosody made it, whatever the option: 13's schema converts, 0.12's does not.
  const dir = await mkdtemp(join(tmpdir(), "xs-roles-sql-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const sqlite = (database: string, prosody_version?: "13") =>
    new StorageManager({ data_path: dir, storage: "sql", sql: { driver: "SQLite3", database }, ...(prosody_version ? { prosody_version } : {}) });
  const made13 = sqlite("made13.sqlite", "13");
  await (await made13.open(HOST, "vcard")).set("dave", { name: "vCard" }); // 13's schema created
  await made13.close();
  const detected = sqlite("made13.sqlite");
  assert.equal((await migrate({ from: managerSource(from, [HOST]), to: managerSource(detected, [HOST]) })).roles?.converted.length, 2);
  const old = sqlite("made012.sqlite");
  assert.equal((await migrate({ from: managerSource(from, [HOST]), to: managerSource(old, [HOST]) })).roles, undefined);

  // A source that already holds 13's roles for a user keeps them.
  await (await from.open(HOST, "account_roles")).set("bob", { _default: "prosody:member" });
  const again = memory();
  const mixed = await migrate({ from: managerSource(from, [HOST]), to: managerSource(again, [HOST]), targetVersion: "13" });
  assert.deepEqual(await accountRoles(again, "bob"), { _default: "prosody:member" });
  assert.match(mixed.roles!.skipped.find((s) => s.user === "bob")!.reason, /already has/);
  await Promise.all([from, plain, explicit, byOption, detected, old, again].map((sm) => sm.close()));
});

test("migrate --target-version: usage error for an unknown version", async () => {
  const io = captureIO();
  assert.equal(await main(["migrate", "--from", "internal:/nonexistent", "--to", "internal:/tmp/x", "--target-version", "14"], io), 2);
  assert.match(io.stderr(), /--target-version must be 0\.12 or 13/);
});

/** Roles as real Prosody 13 gives them (usermanager through mod_authz_internal), per user. */
async function prosody13Roles(dir: string, storage: string, users: string[]): Promise<Record<string, string>> {
  const stdout = await prosody13Ctl({ dir, dataPath: join(dir, "data13"), storage, hosts: [HOST] }, ["mod_xmppstore_roles", HOST, ...users]);
  const out: Record<string, string> = {};
  for (const line of stdout.split("\n")) {
    const match = /^ROLE (\S+) (\S+) ?(.*)$/.exec(line);
    if (match) out[match[1]] = `${match[2]}${match[3] ? ` + ${match[3]}` : ""}`;
  }
  return out;
}

async function migratedWithCli(t: TestContext, target: "internal" | "sqlite"): Promise<void> {
  if (!needService(t, "prosody 13", prosodyAvailable("13"), prosodyInstallHint("13"))) return;
  if (target === "sqlite" && !needService(t, "lua-dbi-sqlite3", prosodySqlDriverAvailable("SQLite3"))) return;
  const dir = await mkdtemp(join(tmpdir(), "xs-roles-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const source = new StorageManager({ data_path: join(dir, "data012") });
  await fill012Roles(source);
  await source.close();
  const to = target === "internal" ? `internal:${join(dir, "data13")}` : `sqlite:${join(dir, "data13", "prosody.sqlite")}`;
  const io = captureIO();
  assert.equal(await main(["migrate", "--from", `internal:${join(dir, "data012")}`, "--to", to, "--target-version", "13", "--json", "-q"], io), 0, io.stderr());
  const summary = JSON.parse(io.stdout()) as { roles: { converted: Array<{ user: string; from: string[]; roles: { primary: string; secondary: string[] } }> } };
  assert.deepEqual(summary.roles.converted.map((c) => `${c.user}: ${c.from.join(",")} -> ${c.roles.primary} + ${c.roles.secondary.join(",")}`), [
    "alice: prosody:admin -> prosody:admin + ",
    "bob: prosody:admin,prosody:operator -> prosody:operator + prosody:admin",
  ]);
  const text = captureIO();
  assert.equal(await main(["migrate", "--from", `internal:${join(dir, "data012")}`, "--to", to, "--target-version", "13", "-q"], text), 0);
  assert.match(text.stdout(), /roles: +2 user\(s\) converted from 0\.12's roles to 13's account_roles, 1 skipped/);
  assert.match(text.stdout(), /bob@example\.com: prosody:admin, prosody:operator -> prosody:operator \+ prosody:admin/);

  // The typed accessor changes roles the way 13 does, and 13 reads those changes too.
  const storage = target === "internal" ? "" : `storage = "sql"\nsql = { driver = "SQLite3", database = "prosody.sqlite" }`;
  const config = target === "internal" ? { data_path: join(dir, "data13") } : { data_path: join(dir, "data13"), storage: "sql", sql: { driver: "SQLite3" as const, database: "prosody.sqlite" } };
  const sm = new StorageManager(config);
  const roles = stores(sm).accountRoles(HOST);
  await roles.setPrimary("carol", "prosody:member");
  await roles.addSecondary("carol", "prosody:admin");
  await roles.addSecondary("dave", "prosody:admin");
  await roles.removeSecondary("dave", "prosody:admin");
  await roles.setPrimary("erin", "prosody:admin");
  await roles.setPrimary("erin", "prosody:registered"); // the default role: no _default stored
  assert.deepEqual(await roles.get("bob"), { primary: "prosody:operator", secondary: ["prosody:admin"] });
  assert.deepEqual(await roles.get("erin"), { secondary: [] });
  await sm.close();

  assert.deepEqual(await prosody13Roles(dir, storage, ["alice", "bob", "carol", "dave", "erin"]), {
    alice: "prosody:admin",
    bob: "prosody:operator + prosody:admin",
    carol: "prosody:member + prosody:admin",
    dave: "prosody:registered",
    erin: "prosody:registered",
  });
}

test("0.12 roles migrated into a Prosody 13 internal directory: Prosody 13 gives alice admin, bob operator (+admin)", (t) => migratedWithCli(t, "internal"));
test("0.12 roles migrated into a Prosody 13 SQLite database: Prosody 13 gives alice admin, bob operator (+admin)", (t) => migratedWithCli(t, "sqlite"));
