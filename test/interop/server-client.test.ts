// A real Prosody server (0.12.3 and 13.0.1) and a real client (@xmpp/client) on data xmppstore
// wrote, on internal files and on SQLite: xmppstore writes accounts (non-ASCII names), rosters,
// vCards, private XML, MAM history and offline messages through its typed stores; Prosody starts
// on that data; the client logs in with SCRAM-SHA-1, reads each back, pages the archive, changes
// its password in-band (XEP-0077) and adds a contact; Prosody stops and xmppstore reads what
// Prosody wrote.
import assert from "node:assert/strict";
import { describe, test, type TestContext } from "node:test";
import { Element } from "ltx";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { stores } from "../../src/stores/index.js";
import { PROSODY_VERSIONS } from "../helpers/prosody.js";
import { prosodyEnvForTest, type ProsodyEnv, type ProsodyEnvKind } from "../helpers/prosody-env.js";
import { startProsodyServer } from "../helpers/prosody-server.js";
import { connectClient, xml } from "../helpers/xmpp-client.js";

const HOST = "example.com";
const USER = "jüliet";
const OTHER = "用户";
const PASSWORD = "wherefore ärt thou";
const NEW_PASSWORD = "Montague, nöt Capulet";
const T0 = 1_700_000_000;
const HISTORY = 23;
/** XEP-0082 time of a Unix time, as Prosody stamps delays. */
const stamp = (seconds: number) => new Date(seconds * 1000).toISOString().replace(".000Z", "Z");

const vcard = () => new Element("vCard", { xmlns: "vcard-temp" }).c("FN").t("Jüliet Capulet ❤").up().c("NICKNAME").t("Jules").root();
const bookmarks = () =>
  new Element("storage", { xmlns: "storage:bookmarks" }).c("conference", { jid: "lounge@conference.example.com", autojoin: "true", name: "Lounge" }).c("nick").t("Jüliet").root();
const chat = (from: string, to: string, body: string) => new Element("message", { from, to, type: "chat", id: `m-${body}` }).c("body").t(body).root();

/** xmppstore writes everything the client will read, through the typed stores. */
async function writeWithXmppstore(env: ProsodyEnv): Promise<void> {
  const sm = new StorageManager(env.xmppstoreConfig);
  try {
    await sm.accounts(HOST).create(USER, PASSWORD);
    await sm.accounts(HOST).create(OTHER, "另一个密码");
    const roster = stores(sm).roster(HOST);
    await roster.setItem(USER, { jid: "romeo@montague.example", name: "Romeo ❤", subscription: "both", groups: ["Montagues", "Family & Friends"] });
    await roster.setItem(USER, { jid: `${OTHER}@${HOST}`, subscription: "to", groups: [] });
    await stores(sm).vcard(HOST).set(USER, vcard());
    await stores(sm).privateXml(HOST).set(USER, bookmarks());
    for (let i = 0; i < HISTORY; i++) {
      const [from, to] = i % 2 === 0 ? [`romeo@montague.example/balcony`, `${USER}@${HOST}`] : [`${USER}@${HOST}/phone`, "romeo@montague.example"];
      await stores(sm).messageArchive(HOST).append(USER, chat(from, to, `history ${i}`), { when: T0 + i * 60 });
    }
    const delay = (stamp: string) => new Element("delay", { xmlns: "urn:xmpp:delay", from: HOST, stamp });
    const away1 = chat("romeo@montague.example/balcony", `${USER}@${HOST}`, "while you were away 1");
    away1.cnode(delay("2023-11-14T22:15:00Z"));
    await stores(sm).offline(HOST).store(USER, away1, T0 + 5000);
    await stores(sm).offline(HOST).store(USER, chat(`${OTHER}@${HOST}/x`, `${USER}@${HOST}`, "你好 2"), T0 + 5001);
  } finally {
    await sm.close();
  }
}

/**
 * The modules the server runs: what the client uses, and nothing that needs TLS or HTTP. vCards
 * come from mod_vcard (store "vcard", which xmppstore's vCard store is), not vcard_legacy (which
 * serves vcard-temp from PEP); both versions ship it.
 */
function modules(): string[] {
  return ["roster", "saslauth", "disco", "vcard", "private", "mam", "offline", "register"];
}

async function runScenario(t: TestContext, env: ProsodyEnv): Promise<void> {
  await writeWithXmppstore(env);
  const server = await startProsodyServer(env, { host: HOST, modules: modules(), extraConfig: [`archive_expires_after = "never"`] });
  t.after(() => server.stop()); // also when the test times out or throws before the finally below
  try {
    const xmpp = await connectClient(server.port, HOST, USER, PASSWORD);
    try {
      assert.equal(xmpp.mechanism, "SCRAM-SHA-1");
      assert.ok(!xmpp.offered.includes("PLAIN"), `PLAIN is not offered without TLS (offered: ${xmpp.offered.join(", ")})`);

      // mod_offline delivers the held messages on the initial presence (before any MAM query:
      // mod_mam holds them back from a session that queried the archive).
      await xmpp.xmpp.send(xml("presence"));
      const delivered = await xmpp.waitForMessages(2);
      assert.deepEqual(delivered.map((m) => m.getChildText("body")), ["while you were away 1", "你好 2"]);
      assert.equal(delivered[1]!.getChild("delay", "urn:xmpp:delay")?.attrs.stamp, stamp(T0 + 5001), "stamped with the time xmppstore stored");

      const roster = await xmpp.get(xml("query", { xmlns: "jabber:iq:roster" }));
      const items = roster.getChild("query", "jabber:iq:roster")!.getChildren("item");
      const romeo = items.find((item) => item.attrs.jid === "romeo@montague.example");
      assert.equal(items.length, 2);
      assert.deepEqual([romeo?.attrs.name, romeo?.attrs.subscription], ["Romeo ❤", "both"]);
      assert.deepEqual(romeo!.getChildren("group").map((g) => g.getText()).sort(), ["Family & Friends", "Montagues"]);
      assert.equal(items.find((item) => item.attrs.jid === `${OTHER}@${HOST}`)?.attrs.subscription, "to");

      const card = (await xmpp.get(xml("vCard", { xmlns: "vcard-temp" }))).getChild("vCard", "vcard-temp");
      assert.equal(card?.getChildText("FN"), "Jüliet Capulet ❤");
      assert.equal(card?.getChildText("NICKNAME"), "Jules");

      const privateXml = await xmpp.get(xml("query", { xmlns: "jabber:iq:private" }, xml("storage", { xmlns: "storage:bookmarks" })));
      const conference = privateXml.getChild("query", "jabber:iq:private")?.getChild("storage", "storage:bookmarks")?.getChild("conference");
      assert.deepEqual([conference?.attrs.jid, conference?.getChildText("nick")], ["lounge@conference.example.com", "Jüliet"]);

      const pages = await xmpp.mamPages(10);
      assert.deepEqual(pages.map((page) => page.items.length), [10, 10, 3]);
      assert.deepEqual(pages.map((page) => page.complete), [false, false, true]);
      const bodies = pages.flatMap((page) => page.items.map((item) => item.body));
      assert.deepEqual(bodies, Array.from({ length: HISTORY }, (_, i) => `history ${i}`));
      assert.equal(pages[0]!.items[0]!.stamp, stamp(T0));
      assert.deepEqual(pages.map((page) => [page.first, page.last]), pages.map((page) => [page.items[0]!.id, page.items.at(-1)!.id]));

      // XEP-0077 password change, then a new contact.
      await xmpp.set(xml("query", { xmlns: "jabber:iq:register" }, xml("username", {}, USER), xml("password", {}, NEW_PASSWORD)));
      await xmpp.set(xml("query", { xmlns: "jabber:iq:roster" }, xml("item", { jid: "tybalt@capulet.example", name: "Tybalt" }, xml("group", {}, "Foes"))));
    } finally {
      await xmpp.stop();
    }
  } finally {
    await server.stop();
  }

  const sm = new StorageManager(env.xmppstoreConfig);
  try {
    const accounts = sm.accounts(HOST);
    assert.equal(await accounts.verify(USER, NEW_PASSWORD), true, "Prosody's new password verifies");
    assert.equal(await accounts.verify(USER, PASSWORD), false, "the old one no longer does");
    assert.equal(await accounts.verify(OTHER, "另一个密码"), true);
    const tybalt = await stores(sm).roster(HOST).getItem(USER, "tybalt@capulet.example");
    assert.deepEqual(tybalt, { jid: "tybalt@capulet.example", name: "Tybalt", subscription: "none", groups: ["Foes"] });
    assert.equal((await stores(sm).roster(HOST).get(USER)).items.length, 3);
    assert.equal(await stores(sm).offline(HOST).count(USER), 0, "delivered offline messages are gone");
    assert.equal((await stores(sm).messageArchive(HOST).query(USER, { rsm: { max: 1 } })).count, HISTORY, "the archive is whole");
  } finally {
    await sm.close();
  }
}

for (const version of PROSODY_VERSIONS) {
  for (const kind of ["internal", "sqlite"] as const satisfies ProsodyEnvKind[]) {
    describe(`a real Prosody ${version} server and a real client on xmppstore's data (${kind})`, () => {
      test("the client reads what xmppstore wrote; xmppstore reads what the server wrote", async (t) => {
        const env = await prosodyEnvForTest(t, kind, [HOST], version);
        if (env) await runScenario(t, env);
      });
    });
  }
}

// SCRAM-SHA-256 records (password_hash = "SHA-256", 13's recommended setting, which 0.12 knows
// too): xmppstore creates one, the server offers SCRAM-SHA-256 for it and the client logs in
// with that mechanism; the password Prosody sets in-band is again a SHA-256 record xmppstore verifies.
for (const version of PROSODY_VERSIONS) {
  test(`Prosody ${version}: SCRAM-SHA-256 records xmppstore creates log in over SCRAM-SHA-256, and Prosody's new one verifies`, async (t) => {
    const env = await prosodyEnvForTest(t, "internal", [HOST], version);
    if (!env) return;
    const config = { ...env.xmppstoreConfig, password_hash: "SHA-256" };
    let sm = new StorageManager(config);
    try {
      await sm.accounts(HOST).create(OTHER, PASSWORD);
    } finally {
      await sm.close();
    }
    const server = await startProsodyServer(env, { host: HOST, modules: ["saslauth", "register"], extraConfig: [`password_hash = "SHA-256"`] });
    t.after(() => server.stop());
    try {
      const xmpp = await connectClient(server.port, HOST, OTHER, PASSWORD, "SCRAM-SHA-256");
      try {
        assert.equal(xmpp.mechanism, "SCRAM-SHA-256");
        assert.ok(!xmpp.offered.includes("SCRAM-SHA-1") && !xmpp.offered.includes("PLAIN"), `offered: ${xmpp.offered.join(", ")}`);
        await xmpp.set(xml("query", { xmlns: "jabber:iq:register" }, xml("username", {}, OTHER), xml("password", {}, NEW_PASSWORD)));
      } finally {
        await xmpp.stop();
      }
    } finally {
      await server.stop();
    }
    sm = new StorageManager(config);
    try {
      assert.equal(await sm.accounts(HOST).verify(OTHER, NEW_PASSWORD), true);
      assert.equal(await sm.accounts(HOST).verify(OTHER, PASSWORD), false);
      const record = (await (await sm.open(HOST, "accounts")).get(OTHER)) as Record<string, unknown>;
      assert.match(String(record.stored_key), /^[0-9a-f]{64}$/, "Prosody wrote a SHA-256 record");
    } finally {
      await sm.close();
    }
  });
}
