// The typed stores write, real Prosody 0.12 and 13 read (its storage layer, through the harness;
// its SASL code for the account): on internal files and on SQLite.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Element } from "ltx";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { LuaTable, type Value } from "../../src/values/index.js";
import { PROSODY_VERSIONS, ProsodyBatch } from "../helpers/prosody.js";
import { prosodyEnvForTest, type ProsodyEnvKind } from "../helpers/prosody-env.js";
import { preserialize } from "../helpers/prosody-dataset.js";
import { assertValue } from "../conformance/index.js";
import { runLuaScript } from "./lua.js";
import { stores } from "../../src/stores/index.js";

const HOST = "example.com";
const MUC = "conference.example.com";
const PUBSUB = "pubsub.example.com";
const NICK = "http://jabber.org/protocol/nick";

function vcard(): Element {
  return new Element("vCard", { xmlns: "vcard-temp" }).c("FN").t("Romeo Montague ❤").up().c("NICKNAME").t("R & R").root();
}
function bookmarks(): Element {
  return new Element("storage", { xmlns: "storage:bookmarks" }).c("conference", { jid: `lounge@${MUC}`, autojoin: "true" }).c("nick").t("Romeo").root();
}
function entry(title: string): Element {
  return new Element("entry", { xmlns: "http://www.w3.org/2005/Atom" }).c("title").t(title).root();
}

/** Writes one of each kind of data through the typed stores. */
async function writeWithXmppstore(sm: StorageManager): Promise<{ archiveIds: string[] }> {
  await sm.accounts(HOST).create("romeo", "wherefore ärt");
  await stores(sm).accountDetails(HOST).set("romeo", { name: "Romeo", email: "romeo@example.com", registered: 1700000000 });
  const roster = stores(sm).roster(HOST);
  await roster.setItem("romeo", { jid: "juliet@capulet.example", name: "Juliet", subscription: "both", groups: ["Capulets"] });
  await roster.setItem("romeo", { jid: "benvolio@montague.example", subscription: "none", ask: "subscribe", groups: [] });
  await roster.addPending("romeo", "tybalt@capulet.example");
  await stores(sm).vcard(HOST).set("romeo", vcard());
  await stores(sm).privateXml(HOST).set("romeo", bookmarks());
  await stores(sm).blocklist(HOST).block("romeo", ["tybalt@capulet.example"]);
  await stores(sm).privacy(HOST).setList("romeo", { name: "quiet", items: [{ type: "jid", value: "tybalt@capulet.example", action: "deny", order: 1 }] });
  await stores(sm).privacy(HOST).setDefault("romeo", "quiet");
  const archiveIds = [];
  for (let i = 0; i < 3; i++) {
    const message = new Element("message", { from: "juliet@capulet.example/balcony", to: `romeo@${HOST}`, type: "chat" }).c("body").t(`m${i}`).root();
    archiveIds.push(await stores(sm).messageArchive(HOST).append("romeo", message, { when: 1700000000 + i }));
  }
  await stores(sm).messageArchive(HOST).prefs.set("romeo", { default: "roster", always: ["juliet@capulet.example"], never: ["tybalt@capulet.example"] });
  await stores(sm).offline(HOST).store("romeo", new Element("message", { to: `romeo@${HOST}` }).c("body").t("while away").root(), 1700000100);
  const groupchat = new Element("message", { from: `lounge@${MUC}/romeo`, type: "groupchat" }).c("body").t("hello room").root();
  await stores(sm).mucLog(MUC).append(`lounge@${MUC}`, groupchat, { when: 1700000200 });
  await stores(sm).muc(MUC).save({ jid: `lounge@${MUC}`, config: { name: "The Lounge", persistent: true }, affiliations: { "romeo@example.com": "owner" }, affiliationData: {} });
  await stores(sm).pubsub(PUBSUB).setNode({ name: "news", config: { max_items: 10, persist_items: true }, subscribers: {}, affiliations: { "romeo@example.com": "owner" } });
  await stores(sm).pubsub(PUBSUB).publish("news", "item1", entry("Hello"));
  const pep = stores(sm).pep(HOST).of("romeo");
  await pep.setNode({ name: NICK, config: { max_items: 1 }, subscribers: {}, affiliations: { "romeo@example.com": "owner" } });
  await pep.publish(NICK, "current", new Element("nick", { xmlns: NICK }).t("Romeo"));
  return { archiveIds };
}

for (const version of PROSODY_VERSIONS)
for (const kind of ["internal", "sqlite"] as const satisfies ProsodyEnvKind[]) {
  describe(`Prosody ${version} reads what the typed stores wrote (${kind})`, () => {
    it("reads every kind of data back in the shape its modules use", async (t) => {
      const env = await prosodyEnvForTest(t, kind, [HOST, MUC, PUBSUB], version);
      if (!env) return;
      const sm = new StorageManager(env.xmppstoreConfig);
      const { archiveIds } = await writeWithXmppstore(sm);
      await sm.close();

      const p = new ProsodyBatch(env.setup);
      const account = p.keyvalGet(HOST, "accounts", "romeo");
      const details = p.keyvalGet(HOST, "account_details", "romeo");
      const roster = p.keyvalGet(HOST, "roster", "romeo");
      const rosterItem = p.mapGet(HOST, "roster", "romeo", "juliet@capulet.example");
      const card = p.keyvalGet(HOST, "vcard", "romeo");
      const privateData = p.mapGet(HOST, "private", "romeo", "storage:storage:bookmarks");
      const blocklist = p.keyvalGet(HOST, "blocklist", "romeo");
      const privacy = p.keyvalGet(HOST, "privacy", "romeo");
      const archive = p.archiveFind(HOST, "archive", "romeo", { with: "juliet@capulet.example", total: true });
      const offline = p.archiveFind(HOST, "offline", "romeo");
      const prefs = p.keyvalGet(HOST, "archive_prefs", "romeo");
      const persistent = p.mapGet(MUC, "persistent", null, `lounge@${MUC}`);
      const mucLog = p.archiveFind(MUC, "muc_log", "lounge", { with: "message<groupchat" });
      const roomConfig = p.keyvalGet(MUC, "config", "lounge");
      const nodes = p.keyvalUsers(PUBSUB, "pubsub_nodes");
      const node = p.keyvalGet(PUBSUB, "pubsub_nodes", "news");
      const items = p.archiveFind(PUBSUB, "pubsub_news", null);
      const pepNode = p.mapGet(HOST, "pep", "romeo", NICK);
      const pepItems = p.archiveFind(HOST, `pep_${NICK}`, "romeo", { key: "current" });
      await p.run();

      const record = (await account) as Record<string, string | number>;
      const login = [record.stored_key!, record.server_key!, record.salt!, record.iteration_count!];
      assert.deepEqual(await runLuaScript("scram", "login", ["SHA-1", "romeo", "wherefore ärt", ...login], version), ["success"]);
      assertValue(await details, { name: "Romeo", email: "romeo@example.com", registered: 1700000000 });

      assertValue(
        await roster,
        new LuaTable([
          [false, { version: 3, pending: { "tybalt@capulet.example": true } }],
          ["juliet@capulet.example", { subscription: "both", name: "Juliet", groups: { Capulets: true } }],
          ["benvolio@montague.example", { subscription: "none", ask: "subscribe", groups: {} }],
        ]),
      );
      assertValue(await rosterItem, { subscription: "both", name: "Juliet", groups: { Capulets: true } });
      assertValue(await card, preserialize(vcard()));
      assertValue(await privateData, preserialize(bookmarks()));
      const blocked = (await blocklist) as LuaTable;
      assert.equal(typeof (blocked.get(false) as Record<string, Value>).created, "number");
      assert.equal(typeof blocked.get("tybalt@capulet.example"), "number");
      assertValue(await privacy, {
        default: "quiet",
        lists: { quiet: { name: "quiet", items: [{ type: "jid", value: "tybalt@capulet.example", action: "deny", order: 1, message: false, iq: false, "presence-in": false, "presence-out": false }] } },
      });

      const found = await archive;
      assert.deepEqual(found.items.map((item) => item.id), archiveIds);
      // Prosody 13's internal archives give no total once they hold items.
      assert.equal(found.total, kind === "internal" && version === "13" ? undefined : 3);
      assert.deepEqual(found.items.map((item) => item.when), [1700000000, 1700000001, 1700000002]);
      assertValue(await prefs, new LuaTable([[false, "roster"], ["juliet@capulet.example", true], ["tybalt@capulet.example", false]]));
      const off = (await offline).items;
      assert.deepEqual([off.length, off[0]!.with ?? "", off[0]!.when], [1, "", 1700000100]);

      assert.equal(await persistent, true);
      const logged = (await mucLog).items;
      assert.deepEqual([logged.length, logged[0]!.when, logged[0]!.with], [1, 1700000200, "message<groupchat"]);
      assertValue(await roomConfig, { _jid: `lounge@${MUC}`, _data: { name: "The Lounge", persistent: true }, _affiliation_data: {}, "romeo@example.com": "owner" });
      assert.deepEqual(await nodes, ["news"]);
      assertValue(await node, { name: "news", config: { max_items: 10, persist_items: true }, subscribers: {}, affiliations: { "romeo@example.com": "owner" } });
      assert.deepEqual((await items).items.map((item) => item.id), ["item1"]);
      assertValue(await pepNode, { name: NICK, config: { max_items: 1 }, subscribers: {}, affiliations: { "romeo@example.com": "owner" } });
      assert.deepEqual((await pepItems).items.map((item) => item.id), ["current"]);
    });
  });
}
