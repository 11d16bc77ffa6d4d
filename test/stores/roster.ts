import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Element } from "ltx";
import { assertValue, rejectsWith, withEnv, type ConformanceTarget } from "../conformance/index.js";
import { LuaTable } from "../../src/values/index.js";
import { stores } from "../../src/stores/index.js";

/** Rosters: the API, and the exact table rostermanager reads and writes. */
export function rosterTests(target: ConformanceTarget): void {
  describe("roster", () => {
    it("keeps items and metadata in Prosody's shape, bumping the version on each change", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const roster = stores(sm).roster(host);
        const name = user();
        assert.deepEqual(await roster.get(name), { items: [], version: undefined, pending: new Map() });
        await roster.setItem(name, { jid: "Juliet@Capulet.example", name: "Juliet", subscription: "both", groups: ["Friends", "Verona"] });
        await roster.setItem(name, { jid: "nurse@capulet.example", subscription: "none", ask: "subscribe", groups: [] });
        await roster.addPending(name, "tybalt@capulet.example");
        const raw = await (await sm.open(host, "roster")).get(name);
        assertValue(
          raw,
          new LuaTable([
            [false, { version: 3, pending: { "tybalt@capulet.example": true } }],
            ["juliet@capulet.example", { subscription: "both", name: "Juliet", groups: { Friends: true, Verona: true } }],
            ["nurse@capulet.example", { subscription: "none", ask: "subscribe", groups: {} }],
          ]),
        );
        const loaded = await roster.get(name);
        assert.equal(loaded.version, 3);
        assert.deepEqual(loaded.pending, new Map([["tybalt@capulet.example", true]]));
        assert.deepEqual(await roster.getItem(name, "juliet@capulet.example"), {
          jid: "juliet@capulet.example",
          name: "Juliet",
          subscription: "both",
          groups: ["Friends", "Verona"],
        });
        assert.equal(await roster.removeItem(name, "nurse@capulet.example"), true);
        assert.equal(await roster.removeItem(name, "nurse@capulet.example"), false);
        assert.equal(await roster.removePending(name, "tybalt@capulet.example"), true);
        assert.equal(await roster.bumpVersion(name), 6);
        assert.deepEqual((await roster.get(name)).items.map((item) => item.jid), ["juliet@capulet.example"]);
        await roster.delete(name);
        assert.equal(await (await sm.open(host, "roster")).get(name), undefined);
      }));

    it("reads what Prosody wrote: presence stanzas in pending, approvals, legacy pending, unknown fields", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const name = user();
        const presence = { name: "presence", attr: { type: "subscribe", from: "romeo@montague.example" } };
        await (await sm.open(host, "roster")).set(
          name,
          new LuaTable([
            [false, { version: 7, pending: { "romeo@montague.example": presence } }],
            ["mercutio@verona.example", { subscription: "none", approved: "true", groups: {}, custom: 1 }],
          ]),
        );
        const roster = stores(sm).roster(host);
        const loaded = await roster.get(name);
        const pending = loaded.pending.get("romeo@montague.example");
        assert.ok(pending instanceof Element);
        assert.equal(pending.attrs.type, "subscribe");
        assert.equal(loaded.items[0]!.approved, true);
        await roster.setItem(name, { ...loaded.items[0]!, name: "Mercutio" });
        const raw = (await (await sm.open(host, "roster")).get(name)) as LuaTable;
        assertValue(raw.get("mercutio@verona.example"), { subscription: "none", approved: "true", groups: {}, custom: 1, name: "Mercutio" });
        assertValue((raw.get(false) as Record<string, unknown>).version as number, 8);

        const legacy = user();
        await (await sm.open(host, "roster")).set(legacy, { pending: { "old@example.org": true }, "a@example.org": { subscription: "to", groups: {} } });
        const fromLegacy = await roster.get(legacy);
        assert.deepEqual([...fromLegacy.pending.keys()], ["old@example.org"]);
        assert.deepEqual(fromLegacy.items.map((item) => item.jid), ["a@example.org"]);
      }));

    it("keeps a presence stanza with a pending request", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const name = user();
        const presence = new Element("presence", { type: "subscribe", from: "romeo@montague.example" }).c("status").t("hi").root();
        await stores(sm).roster(host).addPending(name, "romeo@montague.example", presence);
        const pending = (await stores(sm).roster(host).get(name)).pending.get("romeo@montague.example");
        assert.ok(pending instanceof Element && pending.getChildText("status") === "hi");
      }));

    it("rejects bad JIDs, bad subscriptions and the user's own JID", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const roster = stores(sm).roster(host);
        const name = user();
        await rejectsWith(roster.setItem(name, { jid: "a@b/c", subscription: "none", groups: [] }), "invalid-input");
        await rejectsWith(roster.setItem(name, { jid: "bad jid@x", subscription: "none", groups: [] }), "invalid-input");
        await rejectsWith(roster.setItem(name, { jid: "a@b", subscription: "maybe" as "none", groups: [] }), "invalid-input");
        await rejectsWith(roster.setItem(name, { jid: `${name}@${host}`, subscription: "none", groups: [] }), "invalid-input");
        await rejectsWith(roster.setItem(name, { jid: "a@b", subscription: "none", groups: [""] }), "invalid-input");
        await rejectsWith(roster.addPending(name, "a@b", new Element("message")), "invalid-input");
        await rejectsWith(roster.get(""), "invalid-input");
        assert.equal(await (await sm.open(host, "roster")).get(name), undefined, "nothing written");
      }));
  });
}
