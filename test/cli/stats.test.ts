import { describe, it, test } from "node:test";
import assert from "node:assert/strict";
import { Element } from "ltx";
import { stores } from "../../src/stores/index.js";
import { KINDS, operatorEnv, xmppstore } from "./operator-env.js";

const T0 = 1_700_000_000;
const bytesByKind = new Map<string, unknown>();

for (const kind of KINDS) {
  describe(`xmppstore stats on ${kind}`, () => {
    it("counts accounts, users, stores, items and bytes; names the largest archives and the oldest and newest items", async (t) => {
      const o = await operatorEnv(t, kind, { "example.com": {}, "pubsub.example.com": {} });
      if (!o) return;
      await o.withManager(async (sm) => {
        await stores(sm).accounts("example.com").create("alice", "a");
        await stores(sm).accounts("example.com").create("bob", "b");
        await stores(sm).roster("example.com").setItem("alice", { jid: "bob@example.com", subscription: "both", groups: ["Friends"] });
        const archive = await sm.open("example.com", "archive", "archive");
        for (let i = 0; i < 5; i++) await archive.append("alice", null, new Element("message").c("body").t(`m${i}`).root(), T0 + i * 60, "bob@example.com");
        await archive.append("bob", null, new Element("message").c("body").t("only").root(), T0 - 3600, "alice@example.com");
        const node = await sm.open("pubsub.example.com", "pubsub_news", "archive");
        for (let i = 0; i < 3; i++) await node.append(null, `item${i}`, new Element("entry").t(`e${i}`).root(), T0 + 86400 * i, "");
      });
      const run = await xmppstore(["stats", "--from", o.from, "--json"]);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stderr, /^reading 12 items \(6 user stores\)/);
      const hosts = JSON.parse(run.stdout);
      assert.deepEqual(hosts.map((h: { host: string }) => h.host), ["example.com", "pubsub.example.com"]);
      const [main, pubsub] = hosts;
      assert.equal(main.accounts, 2);
      assert.equal(main.users, 2);
      assert.equal(main.items, 2 + 1 + 6);
      assert.deepEqual(main.stores.map((s: { store: string; items: number; users: number }) => [s.store, s.items, s.users]), [["accounts", 2, 2], ["archive", 6, 2], ["roster", 1, 1]]);
      const archive = main.stores.find((s: { store: string }) => s.store === "archive");
      assert.deepEqual([archive.oldest, archive.newest], [T0 - 3600, T0 + 240]);
      assert.deepEqual(main.largest.map((a: { store: string; user: string; items: number }) => [a.store, a.user, a.items]), [["archive", "alice", 5], ["archive", "bob", 1]]);
      assert.equal(main.bytes, main.stores.reduce((n: number, s: { bytes: number }) => n + s.bytes, 0));
      assert.deepEqual(pubsub.largest, [{ store: "pubsub_news", user: null, items: 3, bytes: pubsub.bytes }]);
      assert.equal(pubsub.stores[0].newest, T0 + 2 * 86400);
      // `archive` items got their ids from the backend (internal and SQL make them differently).
      const sized = (h: { stores: Array<{ store: string; bytes: number }> }) => h.stores.filter((s) => s.store !== "archive").map((s) => [s.store, s.bytes]);
      bytesByKind.set(kind, hosts.map(sized));

      const text = await xmppstore(["stats", "--from", o.direct, "--host", "example.com", "-q"]);
      assert.equal(text.stderr, "");
      assert.match(text.stdout, /^example\.com: 2 accounts, 2 users with data, 3 stores, 9 items, \d+ bytes$/m);
      assert.match(text.stdout, /^ {2}archive +archive +2 +6 +\d+ +2023-11-14T21:13:20Z +2023-11-14T22:17:20Z$/m);
      assert.doesNotMatch(text.stdout, /pubsub/);
    });
  });
}

test("stats: bytes are the same whatever backend holds the data (archive ids the backend chose aside)", () => {
  const all = [...bytesByKind.values()];
  for (const other of all.slice(1)) assert.deepEqual(other, all[0]);
});
