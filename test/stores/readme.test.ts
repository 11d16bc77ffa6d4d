// The README's "Typed stores" examples, run as written (on the memory backend).
import assert from "node:assert/strict";
import { test } from "node:test";
import { Element, StorageManager, finElement, parseMamQuery, stores } from "../../src/index.js";

test("the README's typed-store examples run", async () => {
  const sm = new StorageManager({ storage: "memory" });
  const presenceStanza = new Element("presence", { type: "subscribe" });
  const message = new Element("message", { from: "romeo@montague.example/x", to: "juliet@example.com", type: "chat" }).c("body").t("Hi").root();
  const iq = new Element("iq", { type: "set" }).c("query", { xmlns: "urn:xmpp:mam:2" }).root();
  const reply = new Element("iq", { type: "result" });
  try {
    const accounts = sm.accounts("example.com");
    await accounts.create("juliet", "wherefore");
    assert.equal(await accounts.verify("juliet", "wherefore"), true);
    await accounts.setPassword("juliet", "r0meo");
    assert.equal(await accounts.exists("juliet"), true);
    for await (const user of accounts.users()) assert.equal(user, "juliet");
    await accounts.delete("juliet");
    await stores(sm).accountDetails("example.com").set("juliet", { name: "Juliet", email: "j@example.com" });

    const roster = stores(sm).roster("example.com");
    await roster.setItem("juliet", { jid: "romeo@montague.example", name: "Romeo", subscription: "both", groups: ["Friends"] });
    await roster.addPending("juliet", "tybalt@capulet.example", presenceStanza);
    const { items, version, pending } = await roster.get("juliet");
    assert.deepEqual([items.length, version, pending.size], [1, 2, 1]);
    await roster.removeItem("juliet", "romeo@montague.example");

    await stores(sm).vcard("example.com").set("juliet", new Element("vCard", { xmlns: "vcard-temp" }).c("FN").t("Juliet").root());
    assert.equal((await stores(sm).vcard("example.com").get("juliet"))?.getChildText("FN"), "Juliet");
    const bookmarks = new Element("storage", { xmlns: "storage:bookmarks" }).c("conference", { jid: "lounge@conference.example.com" }).root();
    await stores(sm).privateXml("example.com").set("juliet", bookmarks);
    assert.ok(await stores(sm).privateXml("example.com").get("juliet", "storage", "storage:bookmarks"));
    await stores(sm).blocklist("example.com").block("juliet", ["tybalt@capulet.example"]);
    assert.equal((await stores(sm).blocklist("example.com").list("juliet")).length, 1);
    await stores(sm).blocklist("example.com").unblock("juliet");
    await stores(sm).privacy("example.com").setList("juliet", { name: "quiet", items: [{ type: "jid", value: "tybalt@capulet.example", action: "deny", order: 1, stanzas: ["message"] }] });
    await stores(sm).privacy("example.com").setDefault("juliet", "quiet");

    const mam = stores(sm).messageArchive("example.com");
    await mam.append("juliet", message);
    const page = await mam.query("juliet", { with: "romeo@montague.example", rsm: { max: 20, before: true } });
    assert.equal(page.items.length, 1);
    const next = await mam.query("juliet", parseMamQuery(iq.getChild("query")!));
    reply.cnode(finElement(next));
    assert.equal(reply.getChild("fin")?.attrs.complete, "true");
    await mam.expireAll();
    await mam.prefs.set("juliet", { default: "roster", always: ["romeo@montague.example"], never: [] });
    await stores(sm).mucLog("conference.example.com").query("lounge@conference.example.com", { rsm: { max: 50 } });

    await stores(sm).offline("example.com").store("juliet", message);
    assert.equal((await stores(sm).offline("example.com").take("juliet")).length, 1);

    const muc = stores(sm).muc("conference.example.com");
    await muc.save({ jid: "lounge@conference.example.com", config: { name: "The Lounge", persistent: true }, affiliations: { "juliet@example.com": "owner" }, affiliationData: {} });
    await muc.setAffiliation("lounge@conference.example.com", "tybalt@capulet.example", "outcast");
    assert.deepEqual(await muc.rooms(), ["lounge@conference.example.com"]);

    const pubsub = stores(sm).pubsub("pubsub.example.com");
    await pubsub.setNode({ name: "news", config: { max_items: 10 }, subscribers: {}, affiliations: { "juliet@example.com": "owner" } });
    await pubsub.publish("news", null, new Element("entry", { xmlns: "http://www.w3.org/2005/Atom" }));
    assert.equal((await pubsub.items("news")).length, 1);
    const pep = stores(sm).pep("example.com").of("juliet");
    await pep.publish("http://jabber.org/protocol/nick", "current", new Element("nick", { xmlns: "http://jabber.org/protocol/nick" }).t("Jules"));
  } finally {
    await sm.close();
  }
});
