import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { withEnv, type ConformanceTarget } from "../conformance/index.js";
import { isStorageError } from "../../src/errors.js";
import { stores } from "../../src/stores/index.js";

/** Changes that read and rewrite one record, made at the same time through one manager. */
export function concurrencyTests(target: ConformanceTarget): void {
  describe("concurrent changes to one record", () => {
    it("lose nothing: roster items, blocked JIDs, MUC rooms", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const name = user();
        const jids = Array.from({ length: 12 }, (_, i) => `contact${i}@example.org`);
        await Promise.all(jids.map((jid) => stores(sm).roster(host).setItem(name, { jid, subscription: "none", groups: [] })));
        const roster = await stores(sm).roster(host).get(name);
        assert.deepEqual(roster.items.map((item) => item.jid).sort(), [...jids].sort());
        assert.equal(roster.version, jids.length, "one version bump per change");

        await Promise.all(jids.map((jid) => stores(sm).blocklist(host).block(name, [jid])));
        assert.equal((await stores(sm).blocklist(host).list(name)).length, jids.length);

        const muc = `rooms.${host}`;
        const rooms = Array.from({ length: 8 }, (_, i) => `room${i}@${muc}`);
        await Promise.all(rooms.map((jid) => stores(sm).muc(muc).save({ jid, config: {}, affiliations: {}, affiliationData: {} })));
        assert.deepEqual((await stores(sm).muc(muc).rooms()).sort(), [...rooms].sort());
      }));

    it("create one account once", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const name = user();
        const outcomes = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => sm.accounts(host).create(name, `pw${i}`)));
        const created = outcomes.filter((outcome) => outcome.status === "fulfilled").length;
        assert.equal(created, 1);
        for (const outcome of outcomes) if (outcome.status === "rejected") assert.ok(isStorageError(outcome.reason, "conflict"));
      }));
  });
}
