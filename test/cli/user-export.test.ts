import { describe, it, test } from "node:test";
import assert from "node:assert/strict";
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Element } from "ltx";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { stores } from "../../src/stores/index.js";
import { KINDS, operatorEnv, xmppstore, type OperatorEnv } from "./operator-env.js";

const HOST = "example.com";

async function fill(sm: StorageManager): Promise<void> {
  for (const user of ["alice", "bob"]) {
    await stores(sm).accounts(HOST).create(user, "pw");
    await stores(sm).roster(HOST).setItem(user, { jid: "carol@example.com", subscription: "both", groups: [] });
    await stores(sm).privateXml(HOST).set(user, new Element("storage", { xmlns: "storage:bookmarks" }).c("conference", { jid: "lounge@conference.example.com" }).root());
    const archive = await sm.open(HOST, "archive", "archive");
    for (let i = 0; i < 3; i++) await archive.append(user, `${user}${i}`, new Element("message").c("body").t(`${user} ${i}`).root(), 1_700_000_000 + i, "carol@example.com");
  }
  await (await sm.open(HOST, "pep_urn:xmpp:avatar:data", "archive")).append("alice", "av", new Element("data", { xmlns: "urn:xmpp:avatar:data" }).t("AAAA"), 1_700_000_100, "");
  await (await sm.open(HOST, "pubsub_nodes")).set(null, { news: true });
}

/** The full dump with everyone but `user` taken out: what a per-user export must hold. */
async function expectedFor(o: OperatorEnv, user: string): Promise<unknown> {
  const full = JSON.parse((await xmppstore(["dump", "--from", o.from])).stdout);
  for (const kind of ["keyval", "archive"]) {
    const part = full.hosts[HOST][kind] as Record<string, Record<string, unknown>>;
    for (const [store, users] of Object.entries(part)) {
      for (const name of Object.keys(users)) if (name !== user) delete users[name];
      if (Object.keys(users).length === 0) delete part[store];
    }
  }
  return full;
}

/** The XEP-0227 file holds alice's account, roster, private XML and archive, and nobody else. */
async function checkXep0227(report: { xep0227: { file: string } }, dir: string): Promise<void> {
  assert.equal(report.xep0227.file, join(dir, "alice@example.com.xml"));
  assert.equal((await stat(report.xep0227.file)).mode & 0o777, 0o600);
  const pie = new StorageManager({ storage: "xep0227", xep0227_path: dir });
  try {
    assert.equal(await stores(pie).accounts(HOST).verify("alice", "pw"), true);
    assert.equal(await stores(pie).accounts(HOST).exists("bob"), false);
    assert.deepEqual((await stores(pie).roster(HOST).get("alice")).items.map((item) => item.jid), ["carol@example.com"]);
    assert.ok(await stores(pie).privateXml(HOST).get("alice", "storage", "storage:bookmarks"));
    const archive = await pie.open(HOST, "archive", "archive");
    const items = [];
    for await (const item of await archive.find("alice", {})) items.push(item.value.getChildText("body"));
    assert.deepEqual(items, ["alice 0", "alice 1", "alice 2"]);
  } finally {
    await pie.close();
  }
}

async function exportAndCompare(t: import("node:test").TestContext, o: OperatorEnv, backends: string[]): Promise<void> {
  await o.withManager(fill);
  const dir = join(o.env.setup.dataPath, "export");
  const run = await xmppstore(["user", "export", "--from", o.from, "alice@example.com", "--to", dir, "--json"]);
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.deepEqual(report.stores.map((s: { store: string; backend: string }) => `${s.store}/${s.backend}`).sort(), backends);
  assert.equal(report.items, 3 + 3 + 1);
  await checkXep0227(report, dir);
  const file = join(dir, "alice@example.com.dump.json");
  assert.equal(report.dump, file);
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  assert.deepEqual(JSON.parse(await readFile(file, "utf8")), await expectedFor(o, "alice"));
  const again = await xmppstore(["user", "export", "--from", o.from, "alice@example.com", "--to", dir]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /exists already/);
  t.diagnostic(`exported ${report.items} items`);
}

for (const kind of KINDS) {
  describe(`xmppstore user export on ${kind}`, () => {
    it("writes the canonical dump of exactly the user's data in every store", async (t) => {
      const o = await operatorEnv(t, kind, { [HOST]: {} });
      if (!o) return;
      const b = kind === "internal" ? "internal" : "sql";
      await exportAndCompare(t, o, [`accounts/${b}`, `archive/${b}`, `pep_urn:xmpp:avatar:data/${b}`, `private/${b}`, `roster/${b}`]);
    });
  });
}

test("export and delete cover every backend of a host with mixed storage (archives in SQLite, the rest in files)", async (t) => {
  const o = await operatorEnv(t, "sqlite", { [HOST]: {} });
  if (!o) return;
  // The same deployment with only archives in SQL.
  const cfg = (await readFile(o.cfg, "utf8")).replace(/^storage = .*$/m, 'storage = { archive = "sql" }\ndefault_storage = "internal"');
  await writeFile(o.cfg, cfg);
  const mixed: OperatorEnv = {
    ...o,
    withManager: (fn) => o.withManager(fn, { storage: { archive: "sql" }, default_storage: "internal", data_path: o.env.setup.dataPath }),
  };
  await exportAndCompare(t, mixed, ["accounts/internal", "archive/sql", "pep_urn:xmpp:avatar:data/internal", "private/internal", "roster/internal"]);
  const deleted = await xmppstore(["user", "delete", "--from", o.from, "alice@example.com"]);
  assert.equal(deleted.status, 0, deleted.stderr);
  assert.match(deleted.stdout, /^ {2}archive \(archive store, sql\): 3 archived items$/m);
  assert.match(deleted.stdout, /^ {2}roster \(keyval store, internal\): a record of 2 keys$/m);
  const left = JSON.parse((await xmppstore(["dump", "--from", o.from])).stdout);
  assert.equal(JSON.stringify(left).includes('"alice"'), false);
  assert.equal(left.hosts[HOST].archive.archive.bob.length, 3);
});

test("user export: --to is required, and only for export", async () => {
  assert.equal((await xmppstore(["user", "export", "--from", "internal:/tmp", "a@example.com"])).status, 2);
  assert.equal((await xmppstore(["user", "delete", "--from", "internal:/tmp", "a@example.com", "--to", "/tmp/x"])).status, 2);
});
