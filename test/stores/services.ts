import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Element } from "ltx";
import { assertValue, collect, rejectsWith, withEnv, type ConformanceTarget } from "../conformance/index.js";
import { stores } from "../../src/stores/index.js";

function entry(title: string): Element {
  return new Element("entry", { xmlns: "http://www.w3.org/2005/Atom" }).c("title").t(title).root();
}

/** MUC rooms, PubSub and PEP nodes and items, registration details. */
export function serviceTests(target: ConformanceTarget): void {
  describe("MUC rooms", () => {
    it("saves rooms in mod_muc's new format and lists them as persistent", () =>
      withEnv(target, async ({ sm, user }) => {
        const host = `conference.${user("h")}.example`;
        const muc = stores(sm).muc(host);
        const jid = `${user("lounge")}@${host}`;
        const node = jid.split("@")[0]!;
        await muc.save({
          jid,
          config: { name: "The Lounge", persistent: true, members_only: false },
          affiliations: { "Alice@Example.com": "owner", "bob@example.com": "member" },
          affiliationData: { "bob@example.com": { reserved_nickname: "bobby" } },
        });
        assertValue(await (await sm.open(host, "config")).get(node), {
          _jid: jid,
          _data: { name: "The Lounge", persistent: true, members_only: false },
          _affiliation_data: { "bob@example.com": { reserved_nickname: "bobby" } },
          "alice@example.com": "owner",
          "bob@example.com": "member",
        });
        assertValue(await (await sm.open(host, "persistent")).get(null), { [jid]: true });
        assert.deepEqual(await muc.rooms(), [jid]);
        await muc.setAffiliation(jid, "eve@evil.example", "outcast");
        await muc.setAffiliation(jid, "bob@example.com", null);
        assert.deepEqual((await muc.get(jid))?.affiliations, { "alice@example.com": "owner", "eve@evil.example": "outcast" });
        await (await sm.open(host, "state")).set(node, { _last_message_at: 1 });
        await muc.delete(jid);
        assert.equal(await muc.get(jid), undefined);
        assert.equal(await (await sm.open(host, "state")).get(node), undefined);
        assert.deepEqual(await muc.rooms(), []);
      }));

    it("reads the old storage format, and rejects rooms of other hosts", () =>
      withEnv(target, async ({ sm, user }) => {
        const host = `muc.${user("h")}.example`;
        await (await sm.open(host, "config")).set("old", {
          jid: `old@${host}`,
          _data: { subject: "Hi" },
          _affiliations: { "a@example.com": "admin" },
        });
        const room = await stores(sm).muc(host).get(`old@${host}`);
        assert.deepEqual(room, { jid: `old@${host}`, config: { subject: "Hi" }, affiliations: { "a@example.com": "admin" }, affiliationData: {} });
        await rejectsWith(stores(sm).muc(host).get("old@elsewhere.example"), "invalid-input");
        await rejectsWith(stores(sm).muc(host).get(host), "invalid-input");
        await rejectsWith(stores(sm).muc(host).setAffiliation(`missing@${host}`, "a@b", "member"), "item-not-found");
        await rejectsWith(
          stores(sm).muc(host).save({ jid: `x@${host}`, config: {}, affiliations: { "a@b": "king" as "owner" }, affiliationData: {} }),
          "invalid-input",
        );
      }));
  });

  describe("PubSub", () => {
    it("keeps nodes in pubsub_nodes and items in the pubsub_<node> archive", () =>
      withEnv(target, async ({ sm, user }) => {
        const host = `pubsub.${user("h")}.example`;
        const pubsub = stores(sm).pubsub(host);
        await pubsub.setNode({ name: "princely_musings", config: { max_items: 2, persist_items: true }, subscribers: {}, affiliations: { "hamlet@denmark.lit": "owner" } });
        assertValue(await (await sm.open(host, "pubsub_nodes")).get("princely_musings"), {
          name: "princely_musings",
          config: { max_items: 2, persist_items: true },
          subscribers: {},
          affiliations: { "hamlet@denmark.lit": "owner" },
        });
        assert.deepEqual(await pubsub.nodes(), ["princely_musings"]);
        await pubsub.publish("princely_musings", "one", entry("1"), "hamlet@denmark.lit");
        const id2 = await pubsub.publish("princely_musings", null, entry("2"));
        await pubsub.publish("princely_musings", "three", entry("3"));
        const items = await pubsub.items("princely_musings");
        assert.deepEqual(items.map((item) => item.payload.getChildText("title")), ["3", "2"], "newest first, max_items kept");
        assert.equal(items[1]!.id, id2);
        const raw = await collect(await (await sm.open(host, "pubsub_princely_musings", "archive")).find(null));
        assert.deepEqual(raw.map((item) => item.id), [id2, "three"]);
        await pubsub.publish("princely_musings", "three", entry("3b"));
        assert.equal((await pubsub.getItem("princely_musings", "three"))?.payload.getChildText("title"), "3b");
        assert.equal(await pubsub.retract("princely_musings", "three"), true);
        assert.equal(await pubsub.retract("princely_musings", "three"), false);
        await pubsub.deleteNode("princely_musings");
        assert.deepEqual(await pubsub.nodes(), []);
        assert.deepEqual(await pubsub.items("princely_musings"), []);
        await rejectsWith(pubsub.publish("n", "i", "<entry/>" as unknown as Element), "invalid-input");
        await rejectsWith(pubsub.setNode({ name: "", config: {}, subscribers: {}, affiliations: {} }), "invalid-input");
      }));
  });

  describe("PEP", () => {
    it("keeps each user's nodes in the pep map and items in pep_<node>", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const name = user();
        const pep = stores(sm).pep(host).of(name);
        await pep.setNode({ name: "urn:xmpp:avatar:data", config: { max_items: 1 }, subscribers: {}, affiliations: {} });
        await pep.publish("urn:xmpp:avatar:data", "abc", new Element("data", { xmlns: "urn:xmpp:avatar:data" }).t("AAAA"));
        assertValue(await (await sm.open(host, "pep", "map")).get(name, "urn:xmpp:avatar:data"), {
          name: "urn:xmpp:avatar:data",
          config: { max_items: 1 },
          subscribers: {},
          affiliations: {},
        });
        assert.deepEqual(await pep.nodes(), ["urn:xmpp:avatar:data"]);
        const raw = await collect(await (await sm.open(host, "pep_urn:xmpp:avatar:data", "archive")).find(name));
        assert.deepEqual(raw.map((item) => item.id), ["abc"]);
        assert.deepEqual(await collect(stores(sm).pep(host).owners()), [name]);

        await (await sm.open(host, "pep", "map")).set(name, "legacy", true);
        assert.deepEqual(await pep.getNode("legacy"), { name: "legacy", config: {}, subscribers: {}, affiliations: {} });
      }));
  });

  describe("account details", () => {
    it("keeps mod_register's fields with the registration time", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const name = user();
        await stores(sm).accountDetails(host).set(name, { name: "Romeo", email: "romeo@example.com" });
        const details = await stores(sm).accountDetails(host).get(name);
        assert.equal(details?.email, "romeo@example.com");
        assert.equal(typeof details?.registered, "number");
        await rejectsWith(stores(sm).accountDetails(host).set(name, { registered: "yesterday" as unknown as number }), "invalid-input");
        await stores(sm).accountDetails(host).delete(name);
        assert.equal(await stores(sm).accountDetails(host).get(name), undefined);
      }));
  });
}
