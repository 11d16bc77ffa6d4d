import assert from "node:assert/strict";
import { describe } from "node:test";
import { REMOVE } from "../../src/contracts/index.js";
import { LuaTable, type Value } from "../../src/values/index.js";
import { assertValue, collect, rejectsWith, withEnv, conformanceIt as it, type ConformanceTarget } from "./context.js";

export function mapTests(target: ConformanceTarget): void {
  describe("map stores", () => {
    it(target, "gets and sets single keys", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const map = await sm.open(host, "blocklist", "map");
        const u = user();
        assert.equal(await map.get(u, "evil.example"), undefined);
        await map.set(u, "evil.example", true);
        await map.set(u, "spam.example", { since: 1700000000 });
        assert.equal(await map.get(u, "evil.example"), true);
        assertValue(await map.get(u, "spam.example"), { since: 1700000000 });
        await map.set(u, "evil.example", undefined);
        assert.equal(await map.get(u, "evil.example"), undefined);
        assertValue(await map.get(u, "spam.example"), { since: 1700000000 });
      }));

    it(target, "sets and removes several keys at once", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const map = await sm.open(host, "private", "map");
        const u = user();
        await map.setKeys(u, { a: 1, b: "two", c: { three: 3 } });
        await map.setKeys(u, { a: map.remove, b: "deux" });
        assert.equal(await map.get(u, "a"), undefined);
        assert.equal(await map.get(u, "b"), "deux");
        assertValue(await map.get(u, "c"), { three: 3 });
        assert.equal(map.remove, REMOVE);
      }));

    it(target, "shares data with the keyval view of the same store", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const map = await sm.open(host, "roster", "map");
        const kv = await sm.open(host, "roster");
        const u = user();
        const roster = LuaTable.from({ "juliet@example.com": { subscription: "both", groups: {} } }, [[false, { version: 3, pending: {} }]]);
        await kv.set(u, roster);
        assertValue(await map.get(u, "juliet@example.com"), { subscription: "both", groups: {} });
        await map.set(u, "romeo@example.com", { subscription: "none", groups: { Friends: true } });
        const expected = new LuaTable(roster).set("romeo@example.com", { subscription: "none", groups: { Friends: true } });
        assertValue(await kv.get(u), expected);
        await map.set(u, "juliet@example.com", undefined);
        await map.set(u, "romeo@example.com", undefined);
        assertValue(await kv.get(u), new LuaTable([[false, { version: 3, pending: {} }]]));
      }));

    it(target, "reads and deletes one key across all users", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const map = await sm.open(host, "config", "map");
        const [a, b, c] = [user("a"), user("b"), user("c")];
        assert.equal(await map.getAll("owner"), undefined);
        await map.set(a, "owner", "alice@example.com");
        await map.set(b, "owner", "bob@example.com");
        await map.set(c, "other", 1);
        assertValue(await map.getAll("owner"), { [a]: "alice@example.com", [b]: "bob@example.com" });
        await map.deleteAll("owner");
        assert.equal(await map.getAll("owner"), undefined);
        assert.equal(await map.get(c, "other"), 1);
      }));

    it(target, "keeps host-wide keys apart", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const map = await sm.open(host, "persistent", "map");
        const u = user();
        await map.set(null, "room@conference.example", true);
        await map.set(u, "room@conference.example", "user's");
        assert.equal(await map.get(null, "room@conference.example"), true);
        assert.equal(await map.get(u, "room@conference.example"), "user's");
      }));

    it(target, "rejects bad keys", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const map = await sm.open(host, "test", "map");
        await rejectsWith(map.get(user(), 5 as never), "invalid-input");
        await rejectsWith(map.setKeys(user(), null as never), "invalid-input");
      }));

    it(target, "rejects map-wide calls with an empty or non-string key, as Prosody's spec requires", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const map = await sm.open(host, "blocklist", "map");
        const plus = await sm.open(host, "blocklist", "keyval+");
        const u = user();
        await map.set(u, "kept", true);
        for (const key of ["", 5, null, undefined, { toString: () => "kept" }] as never[]) {
          await rejectsWith(map.getAll(key), "invalid-input");
          await rejectsWith(map.deleteAll(key), "invalid-input");
          await rejectsWith(plus.getKeyFromAll(key), "invalid-input");
          await rejectsWith(plus.deleteKeyFromAll(key), "invalid-input");
        }
        assert.equal(await map.get(u, "kept"), true, "nothing deleted");
      }));

    it(target, "loses no entry because of its name (__proto__, constructor)", () =>
      withEnv(target, async ({ sm, host }) => {
        const map = await sm.open(host, "names", "map");
        const names = ["__proto__", "constructor", "toString", "hasOwnProperty"];
        for (const name of names) await map.set(name, "k", `value of ${name}`);
        const all = await map.getAll("k");
        assert.ok(all !== undefined);
        assert.equal(Object.getPrototypeOf(all), null, "getAll gives a null-prototype object");
        assert.deepEqual(Object.keys(all).sort(), [...names].sort());
        for (const name of names) assert.equal(all[name], `value of ${name}`);
        assert.equal((await map.getAll("nobody-has-this"))?.constructor, undefined);

        const kv = await sm.open(host, "tables");
        const table = JSON.parse('{"__proto__": {"x": 1}, "constructor": 2, "valueOf": 3}') as Record<string, Value>;
        await kv.set("u", table);
        const back = (await kv.get("u")) as Record<string, Value>;
        assert.deepEqual(Object.keys(back).sort(), ["__proto__", "constructor", "valueOf"]);
        assert.equal(Object.getPrototypeOf(back), Object.prototype, "values stay ordinary objects …");
        assertValue(back.__proto__ as Value, { x: 1 }); // … with "__proto__" as an own entry
        await map.setKeys("u2", JSON.parse('{"__proto__": "p", "constructor": "c"}') as Record<string, Value>);
        assert.equal(await map.get("u2", "__proto__"), "p");
        assert.equal(await map.get("u2", "constructor"), "c");
        assertValue((await map.getAll("__proto__"))?.u2 as Value, "p");
        await map.deleteAll("__proto__");
        assert.equal(await map.get("u2", "__proto__"), undefined);
        assert.equal(await map.get("u2", "constructor"), "c");
      }));
  });

  describe("caps of keyval, map and keyval+ stores", () => {
    it(target, "every keyval-shaped store states its caps, the same persistence and byte strings on each", () =>
      withEnv(target, async ({ sm, host, caps }) => {
        for (const type of ["keyval", "map", "keyval+"] as const) {
          const store = await sm.open(host, "private", type);
          assert.equal(store.caps.persistent, caps.persistent, `${type}: persistent`);
          assert.equal(store.caps.byteStrings, caps.byteStrings, `${type}: byteStrings`);
          if (type !== "keyval") assert.equal(typeof (store.caps as { native?: unknown }).native, "boolean", `${type}: native`);
        }
      }));

    it(target, "a native map or keyval+ store loses no key written at once to one user (a composed one may, as Prosody's)", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const keys = Array.from({ length: 12 }, (_, i) => `k${i}`);
        const map = await sm.open(host, "private", "map");
        const plus = await sm.open(host, "pep", "keyval+");
        const [a, b] = [user("a"), user("b")];
        const cases = [
          { native: map.caps.native, write: (key: string) => map.set(a, key, key), read: async () => (await sm.open(host, "private")).get(a) },
          { native: plus.caps.native, write: (key: string) => plus.setKey(b, key, key), read: () => plus.get(b) },
        ].filter((c) => c.native);
        for (const c of cases) {
          await Promise.all(keys.map((key) => c.write(key)));
          assertValue(await c.read(), Object.fromEntries(keys.map((key) => [key, key])));
        }
      }));
  });

  describe("keyval+ stores", () => {
    it(target, "works as keyval and key by key", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const store = await sm.open(host, "pep", "keyval+");
        const [a, b] = [user("a"), user("b")];
        await store.set(a, { "urn:xmpp:avatar:data": { access_model: "presence" }, other: 1 });
        assertValue(await store.getKey(a, "other"), 1);
        await store.setKey(b, "other", 2);
        await store.setKeys(a, { other: store.remove, added: "yes" });
        assertValue(await store.get(a), { "urn:xmpp:avatar:data": { access_model: "presence" }, added: "yes" });
        assertValue(await store.getKeyFromAll("other"), { [b]: 2 });
        assert.deepEqual((await collect(store.items())).sort(), [a, b].sort());
        await store.deleteKeyFromAll("added");
        assertValue(await store.get(a), { "urn:xmpp:avatar:data": { access_model: "presence" } });
      }));
  });
}
