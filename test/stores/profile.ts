import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Element } from "ltx";
import { assertValue, rejectsWith, withEnv, type ConformanceTarget } from "../conformance/index.js";
import { LuaTable } from "../../src/values/index.js";
import { stores } from "../../src/stores/index.js";

function vcard(fn: string): Element {
  return new Element("vCard", { xmlns: "vcard-temp" }).c("FN").t(fn).up().c("NICKNAME").t("R").root();
}

/** vCard, private XML, blocklist and privacy lists. */
export function profileTests(target: ConformanceTarget): void {
  describe("vcard", () => {
    it("stores the element preserialized, as mod_vcard does", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const name = user();
        await stores(sm).vcard(host).set(name, vcard("Romeo Montague"));
        const raw = await (await sm.open(host, "vcard")).get(name);
        assertValue(
          raw,
          new LuaTable([
            ["name", "vCard"],
            ["attr", { xmlns: "vcard-temp" }],
            [1, new LuaTable([["name", "FN"], ["attr", {}], [1, "Romeo Montague"]])],
            [2, new LuaTable([["name", "NICKNAME"], ["attr", {}], [1, "R"]])],
          ]),
        );
        const back = await stores(sm).vcard(host).get(name);
        assert.equal(String(back), String(vcard("Romeo Montague")));
        await stores(sm).vcard(host).set(null, vcard("The server"));
        assert.equal((await stores(sm).vcard(host).get(null))?.getChildText("FN"), "The server");
        await stores(sm).vcard(host).delete(name);
        assert.equal(await stores(sm).vcard(host).get(name), undefined);
      }));

    it("rejects elements that are not vcard-temp vCards", () =>
      withEnv(target, async ({ sm, host, user }) => {
        await rejectsWith(stores(sm).vcard(host).set(user(), new Element("vCard")), "invalid-input", /vcard-temp/);
        await rejectsWith(stores(sm).vcard(host).set(user(), new Element("vcard", { xmlns: "vcard-temp" })), "invalid-input");
        await rejectsWith(stores(sm).vcard(host).set(user(), "<vCard/>" as unknown as Element), "invalid-input");
      }));
  });

  describe("private XML", () => {
    it("keys elements by name:namespace, and an empty element clears the entry", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const name = user();
        const notes = new Element("storage", { xmlns: "storage:rosternotes" }).c("note", { jid: "a@b" }).t("hi").root();
        await stores(sm).privateXml(host).set(name, notes);
        const raw = (await (await sm.open(host, "private", "map")).get(name, "storage:storage:rosternotes")) as LuaTable;
        assertValue(
          raw,
          new LuaTable([
            ["name", "storage"],
            ["attr", { xmlns: "storage:rosternotes" }],
            [1, new LuaTable([["name", "note"], ["attr", { jid: "a@b" }], [1, "hi"]])],
          ]),
        );
        assert.equal(String(await stores(sm).privateXml(host).get(name, "storage", "storage:rosternotes")), String(notes));
        await stores(sm).privateXml(host).set(name, new Element("exodus", { xmlns: "exodus:prefs" }).c("x").root());
        assert.deepEqual((await stores(sm).privateXml(host).all(name)).map((el) => el.attrs.xmlns).sort(), ["exodus:prefs", "storage:rosternotes"]);
        await stores(sm).privateXml(host).set(name, new Element("storage", { xmlns: "storage:rosternotes" }));
        assert.equal(await stores(sm).privateXml(host).get(name, "storage", "storage:rosternotes"), undefined);
        await stores(sm).privateXml(host).remove(name, "exodus", "exodus:prefs");
        assert.deepEqual(await stores(sm).privateXml(host).all(name), []);
        await rejectsWith(stores(sm).privateXml(host).set(name, new Element("storage")), "invalid-input");
      }));
  });

  describe("blocklist", () => {
    it("keeps mod_blocklist's table and reads older `true` entries", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const name = user();
        const blocklist = stores(sm).blocklist(host);
        await blocklist.block(name, ["Spam@Evil.example", "evil.example", "x@y.example/res"]);
        const raw = (await (await sm.open(host, "blocklist")).get(name)) as LuaTable;
        assert.ok(raw instanceof LuaTable);
        const meta = raw.get(false) as Record<string, unknown>;
        assert.equal(typeof meta.created, "number");
        assert.equal(typeof raw.get("spam@evil.example"), "number");
        assert.equal(await blocklist.isBlocked(name, "EVIL.example"), true);
        assert.equal(await blocklist.isBlocked(name, "good.example"), false);
        await blocklist.unblock(name, ["evil.example"]);
        assert.deepEqual((await blocklist.list(name)).map((b) => b.jid), ["spam@evil.example", "x@y.example/res"]);
        const modified = ((await (await sm.open(host, "blocklist")).get(name)) as LuaTable).get(false) as Record<string, unknown>;
        assert.equal(modified.created, meta.created);
        assert.equal(typeof modified.modified, "number");
        await blocklist.unblock(name);
        assert.deepEqual(await blocklist.list(name), []);

        const old = user();
        await (await sm.open(host, "blocklist")).set(old, new LuaTable([[false, { created: 1, migrated: "privacy" }], ["a@b", true]]));
        assert.deepEqual(await blocklist.list(old), [{ jid: "a@b" }]);
        await rejectsWith(blocklist.block(old, []), "invalid-input");
        await rejectsWith(blocklist.block(old, ["not@a@jid"]), "invalid-input");
      }));
  });

  describe("privacy lists", () => {
    it("stores lists as mod_privacy did and checks rules", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const name = user();
        const privacy = stores(sm).privacy(host);
        await privacy.setList(name, {
          name: "work",
          items: [
            { type: "jid", value: "Boss@Example.com", action: "deny", order: 2, stanzas: ["message"] },
            { type: "subscription", value: "none", action: "deny", order: 1 },
            { action: "allow", order: 3 },
          ],
        });
        await privacy.setDefault(name, "work");
        const raw = await (await sm.open(host, "privacy")).get(name);
        assertValue(raw, {
          default: "work",
          lists: {
            work: {
              name: "work",
              items: [
                { type: "subscription", value: "none", action: "deny", order: 1, message: false, iq: false, "presence-in": false, "presence-out": false },
                { type: "jid", value: "boss@example.com", action: "deny", order: 2, message: true, iq: false, "presence-in": false, "presence-out": false },
                { action: "allow", order: 3, message: false, iq: false, "presence-in": false, "presence-out": false },
              ],
            },
          },
        });
        const lists = await privacy.get(name);
        assert.equal(lists.default, "work");
        assert.deepEqual(lists.lists[0]!.items[1], { type: "jid", value: "boss@example.com", action: "deny", order: 2, stanzas: ["message"] });
        await rejectsWith(privacy.setDefault(name, "nope"), "item-not-found");
        await rejectsWith(privacy.setList(name, { name: "x", items: [{ action: "deny", order: 1 }, { action: "allow", order: 1 }] }), "invalid-input");
        await rejectsWith(privacy.setList(name, { name: "x", items: [{ type: "jid", value: "a b@c", action: "deny", order: 1 }] }), "invalid-input");
        await rejectsWith(privacy.setList(name, { name: "x", items: [{ type: "subscription", value: "all", action: "deny", order: 1 }] }), "invalid-input");
        assert.equal(await privacy.removeList(name, "work"), true);
        assert.deepEqual(await privacy.get(name), { lists: [] });
      }));
  });
}
