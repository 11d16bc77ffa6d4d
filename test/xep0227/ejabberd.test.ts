// Between Prosody and ejabberd through XEP-0227, proven with the real servers: Debian's ejabberd
// 23.01 (a private node per test, see test/helpers/ejabberd.ts), a real client (@xmpp/client)
// logging in with the original passwords, and Prosody's own account code.
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { Element } from "ltx";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { stores } from "../../src/stores/index.js";
import { LuaTable } from "../../src/values/index.js";
import { main } from "../../src/cli/main.js";
import type { MigrationReport } from "../../src/jobs/migrate.js";
import { captureIO } from "../cli/io.js";
import { ejabberdAvailable, startEjabberd, type EjabberdNode } from "../helpers/ejabberd.js";
import { prosodyEnvForTest } from "../helpers/prosody-env.js";
import { prosodyAccounts } from "../helpers/prosody-accounts.js";
import { prosodyAvailable } from "../helpers/prosody.js";
import { needService } from "../helpers/services.js";
import { connectClient, type ScramName } from "../helpers/xmpp-client.js";
import { xml } from "@xmpp/client";

const HOST = "example.com";

interface Session {
  roster: Element;
  vcard: Element;
  bookmarks: Element;
  messages: Element[];
  presences: Element[];
}

/** Logs in (SCRAM only, never PLAIN), reads roster, vCard and bookmarks, sends presence and collects what ejabberd delivers. */
async function loginAndRead(port: number, user: string, password: string, scram: ScramName = "SCRAM-SHA-1", expectMessages = 0): Promise<Session> {
  const client = await connectClient(port, HOST, user, password, scram);
  const presences: Element[] = [];
  client.xmpp.on("stanza", (stanza: Element) => void (stanza.is("presence") && presences.push(stanza)));
  try {
    const roster = (await client.get(xml("query", { xmlns: "jabber:iq:roster" }))).getChild("query")!;
    const vcard = (await client.get(xml("vCard", { xmlns: "vcard-temp" }))).getChild("vCard")!;
    const bookmarks = (await client.get(xml("query", { xmlns: "jabber:iq:private" }, xml("storage", { xmlns: "storage:bookmarks" })))).getChild("query")!;
    await client.xmpp.send(xml("presence"));
    // Offline messages and stored subscription requests follow the initial presence.
    const messages = await client.waitForMessages(expectMessages);
    await new Promise((resolve) => setTimeout(resolve, 500));
    return { roster, vcard, bookmarks, messages, presences };
  } finally {
    await client.stop();
  }
}

async function node(t: TestContext, format: "scram" | "plain"): Promise<EjabberdNode | undefined> {
  if (!needService(t, "ejabberd", ejabberdAvailable(), "apt-get install ejabberd; run as root")) return undefined;
  const started = await startEjabberd(HOST, format);
  t.after(() => started.stop());
  return started;
}

async function cli(args: string[]): Promise<{ status: number; report: MigrationReport & { verify?: { equal: boolean } }; stderr: string }> {
  const io = captureIO();
  const status = await main(["migrate", ...args, "--quiet", "--json"], io);
  return { status, report: io.stdout() ? JSON.parse(io.stdout()) : undefined, stderr: io.stderr() };
}

/** A Prosody data set: accounts of every kind, roster with groups and pending subscriptions both ways, vCard, bookmarks, an offline message. */
async function writeProsodyData(dataPath: string): Promise<void> {
  // One writer at a time on a data directory: SHA-256 and plain accounts first, each with its own options.
  for (const [options, user, password] of [[{ password_hash: "SHA-256" }, "romeo", "Montague ärt thou"], [{ authentication: "internal_plain" }, "nurse", "n\u00fcrse"]] as const) {
    const made = new StorageManager({ data_path: dataPath, ...options });
    await made.accounts(HOST).create(user, password).finally(() => made.close());
  }
  const sm = new StorageManager({ data_path: dataPath });
  try {
    await sm.accounts(HOST).create("juliet", "wherefore art thou");
    await (await sm.open(HOST, "accounts")).set("john doe", { password: "spaces are not nodeprep" });
    const roster = (await sm.open(HOST, "roster"));
    await roster.set("juliet", LuaTable.from(
      {
        "romeo@example.com": { subscription: "both", name: "Romeo", groups: { Lovers: true, "": true } },
        "benvolio@montague.example": { subscription: "none", ask: "subscribe", groups: {} },
        "john doe@example.com": { subscription: "none", groups: {} },
      },
      [[false, { version: 4, pending: { "tybalt@capulet.example": true } }]],
    ));
    await stores(sm).vcard(HOST).set("juliet", new Element("vCard", { xmlns: "vcard-temp" }).c("FN").t("Juliet Capulet").up().c("NICKNAME").t("Jules").root());
    await stores(sm).privateXml(HOST).set("juliet", new Element("storage", { xmlns: "storage:bookmarks" }).c("conference", { jid: "lounge@conference.example.com", name: "Lounge" }).root());
    await stores(sm).offline(HOST).store("juliet", new Element("message", { from: "romeo@example.com/balcony", to: "juliet@example.com", type: "chat" }).c("body").t("Meet me at the balcony").root());
    await stores(sm).messageArchive(HOST).append("juliet", new Element("message", { from: "romeo@example.com/balcony", to: "juliet@example.com", type: "chat" }).c("body").t("archived").root());
  } finally {
    await sm.close();
  }
}

test("Prosody's data, written by xmppstore as ejabberd:FILE and imported by import_piefxis: every account logs in to ejabberd with its password and finds its data", async (t) => {
  const ejabberd = await node(t, "scram");
  if (!ejabberd) return;
  const dataPath = join(ejabberd.dir, "prosody-data");
  await writeProsodyData(dataPath);
  const file = join(ejabberd.dir, "import.xml");
  const { status, report, stderr } = await cli(["--from", `internal:${dataPath}`, "--to", `ejabberd:${file}`, "--verify"]);
  assert.equal(status, 0, stderr);
  assert.equal(report.verify?.equal, true);
  const notCarried = report.notCarried.map((n) => `${n.store} ${n.user}: ${n.what}`).join("\n");
  for (const expected of [/accounts john doe: all of user "john doe": the name fails nodeprep/, /roster juliet: .*benvolio@montague.example: ask="subscribe"/, /roster juliet: .*an empty group name/, /roster juliet: .*"john doe@example.com" \(not a valid JID/, /archive juliet: 1 item\(s\)/]) {
    assert.match(notCarried, expected);
  }

  ejabberd.give(ejabberd.dir);
  const imported = await ejabberd.ctl("import_piefxis", file);
  assert.equal(imported.code, 0, imported.stdout + imported.stderr);
  assert.deepEqual((await ejabberd.ctl("registered_users", HOST)).stdout.trim().split("\n").sort(), ["juliet", "nurse", "romeo"]);

  const juliet = await loginAndRead(ejabberd.port, "juliet", "wherefore art thou", "SCRAM-SHA-1", 1);
  const items = juliet.roster.getChildren("item").map((i) => `${i.attrs.jid} ${i.attrs.subscription} ${i.getChildren("group").map((g) => g.getText()).join(",")}`);
  assert.ok(items.includes("romeo@example.com both Lovers"), items.join("; "));
  assert.ok(items.some((i) => i.startsWith("benvolio@montague.example none")), items.join("; "));
  assert.equal(juliet.vcard.getChildText("FN"), "Juliet Capulet");
  assert.equal(juliet.bookmarks.getChild("storage")?.getChild("conference")?.attrs.jid, "lounge@conference.example.com");
  assert.deepEqual(juliet.messages.map((m) => m.getChildText("body")), ["Meet me at the balcony"]);
  assert.ok(juliet.presences.some((p) => p.attrs.type === "subscribe" && p.attrs.from === "tybalt@capulet.example"), "the pending subscription request is delivered");
  await loginAndRead(ejabberd.port, "nurse", "n\u00fcrse");
  await assert.rejects(loginAndRead(ejabberd.port, "juliet", "wrong"), /not-authorized/);
  // The SHA-256 account: the test client speaks SCRAM-SHA-1 only, so ejabberd's own check says it.
  assert.equal((await ejabberd.ctl("check_password", "romeo", HOST, "Montague ärt thou")).code, 0);
  assert.notEqual((await ejabberd.ctl("check_password", "romeo", HOST, "montague")).code, 0);
});

for (const format of ["scram", "plain"] as const) {
  test(`ejabberd's export_piefxis (auth_password_format ${format}), migrated by xmppstore into Prosody's internal and SQLite storage: every account verifies with its password`, async (t) => {
    const ejabberd = await node(t, format);
    if (!ejabberd) return;
    const users = { alice: "alice-secret", bob: "b\u00f6b p\u00e4ssword", carol: "c4rol!" };
    for (const [user, password] of Object.entries(users)) assert.equal((await ejabberd.ctl("register", user, HOST, password)).code, 0);
    await ejabberd.ctl("add_rosteritem", "alice", HOST, "bob", HOST, "Bob", "Friends", "both");
    await ejabberd.ctl("set_vcard", "alice", HOST, "FN", "Alice Liddell");
    await ejabberd.ctl("private_set", "alice", HOST, '<storage xmlns="storage:bookmarks"><conference jid="tea@conference.example.com"/></storage>');
    await ejabberd.ctl("send_message", "chat", `carol@${HOST}`, `bob@${HOST}`, "", "while you were out");
    const exportDir = join(ejabberd.dir, "export");
    await mkdir(exportDir);
    ejabberd.give(exportDir);
    const exported = await ejabberd.ctl("export_piefxis", exportDir);
    assert.equal(exported.code, 0, exported.stdout + exported.stderr);

    for (const kind of ["internal", "sqlite"] as const) {
      const env = await prosodyEnvForTest(t, kind, [HOST]);
      if (!env) return;
      const to = kind === "internal" ? `internal:${env.setup.dataPath}` : `sqlite:${env.sql!.database}`;
      const { status, report, stderr } = await cli(["--from", `ejabberd:${exportDir}`, "--to", to, "--verify"]);
      assert.equal(status, 0, stderr);
      assert.equal(report.verify?.equal, true);
      const sm = new StorageManager(env.xmppstoreConfig);
      try {
        for (const [user, password] of Object.entries(users)) {
          assert.equal(await sm.accounts(HOST).verify(user, password), true, `${user} on ${kind}`);
          assert.equal(await sm.accounts(HOST).verify(user, `${password}x`), false);
        }
        const roster = await stores(sm).roster(HOST).get("alice");
        assert.deepEqual(roster.items.map((i) => [i.jid, i.subscription, i.groups]), [[`bob@${HOST}`, "both", ["Friends"]]]);
        assert.equal((await stores(sm).vcard(HOST).get("alice"))?.getChildText("FN"), "Alice Liddell");
        assert.equal((await stores(sm).privateXml(HOST).get("alice", "storage", "storage:bookmarks"))?.getChild("conference")?.attrs.jid, "tea@conference.example.com");
        assert.deepEqual((await stores(sm).offline(HOST).list("bob")).map((m) => m.value.getChildText("body")), ["while you were out"]);
      } finally {
        await sm.close();
      }
      if (prosodyAvailable()) {
        // Prosody's own login code (usermanager + mod_auth_internal_hashed) on the migrated accounts.
        const ops = Object.entries(users).flatMap(([user, password]) => [{ op: "test" as const, user, password }, { op: "test" as const, user, password: "wrong" }]);
        assert.deepEqual(await prosodyAccounts(env, HOST, {}, ops), Object.keys(users).flatMap(() => [true, false]), `Prosody verifying on ${kind}`);
      }
    }
  });
}
