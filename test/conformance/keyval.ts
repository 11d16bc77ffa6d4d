import assert from "node:assert/strict";
import { describe } from "node:test";
import { LuaTable, type Value } from "../../src/values/index.js";
import { assertValue, collect, rejectsWith, withEnv, conformanceIt as it, type ConformanceTarget } from "./context.js";

/** User names that break naive path or SQL handling; every backend must keep them apart. */
export const AWKWARD_USERS = [
  "john doe",
  "under_score",
  "用户",
  "2024-01-01",
  "a.b",
  "..",
  "../escape",
  "/etc/passwd",
  "%41",
  "%2e%2e",
  "UPPER",
  "upper",
  "quote'\"",
  "x".repeat(60),
];

/** Values of every shape Prosody stores, for round trips. */
export function awkwardValues(byteStrings: boolean): Record<string, Value> {
  const values: Record<string, Value> = {
    simple: { foo: "bar" },
    nested: { a: { b: { c: [1, 2, 3] } }, empty: {}, t: true, f: false },
    strings: { unicode: "Zoë 用户 🎉", quotes: `'single' "double" \`back\``, lines: "a\nb\r\nc\td", long: "y".repeat(70_000), empty: "" },
    numbers: { int: 42, neg: -17, zero: 0, float: 0.1, third: 1 / 3, big: 1700000000.123456, exp: 1e300, small: 5e-324 },
    array: ["one", "two", { three: 3 }],
    numericKeys: { "1": "string key one", "10": "ten", "9": "nine" },
    roster: LuaTable.from(
      {
        "john doe@example.com": { groups: {}, name: "Zoë", subscription: "to" },
        "user0019@example.com": { groups: { Work: true }, subscription: "from" },
      },
      [[false, { version: 1, pending: { "stranger@elsewhere.example": true } }]],
    ),
    sparse: new LuaTable([
      [1, "a"],
      [3, "c"],
    ]),
    mixed: new LuaTable([
      [1, "first"],
      [2, "second"],
      ["name", "mixed"],
    ]),
    numberKeys: new LuaTable([
      [1.5, "one and a half"],
      [-1, "minus one"],
      [true, "yes"],
    ]),
    int64: { big: 2n ** 60n, negative: -(2n ** 62n) + 5n },
  };
  if (byteStrings) values.bytes = { latin1: Uint8Array.from([0x5a, 0x6f, 0xeb]), raw: Uint8Array.from([0xff, 0x00, 0x80]) };
  return values;
}

export function keyvalTests(target: ConformanceTarget): void {
  describe("keyval stores", () => {
    it(target, "finds nothing for an unknown user", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const kv = await sm.open(host, "test");
        assert.equal(await kv.get(user()), undefined);
        assert.equal(await kv.get(null), undefined);
      }));

    it(target, "stores, replaces and deletes a user's data", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const kv = await sm.open(host, "test");
        const alice = user();
        await kv.set(alice, { foo: "bar" });
        assertValue(await kv.get(alice), { foo: "bar" });
        await kv.set(alice, { other: 1 });
        assertValue(await kv.get(alice), { other: 1 });
        await kv.set(alice, undefined);
        assert.equal(await kv.get(alice), undefined);
        await kv.set(alice, { again: true });
        await kv.set(alice, null);
        assert.equal(await kv.get(alice), undefined);
        await kv.set(alice, { again: true });
        await kv.set(alice, {});
        assert.equal(await kv.get(alice), undefined, "an empty table means nothing stored");
      }));

    it(target, "round-trips every value shape", () =>
      withEnv(target, async ({ sm, host, user, caps }) => {
        const kv = await sm.open(host, "shapes");
        for (const [name, value] of Object.entries(awkwardValues(caps.byteStrings))) {
          const u = user(name);
          await kv.set(u, value);
          assertValue(await kv.get(u), value, `shape ${name}`);
        }
      }));

    it(target, "gives back non-empty arrays as arrays and string-keyed tables as objects", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const kv = await sm.open(host, "shapes");
        const u = user();
        await kv.set(u, { list: ["a", "b"], map: { "1": "x" } });
        const got = (await kv.get(u)) as Record<string, Value>;
        assert.ok(Array.isArray(got.list));
        assert.ok(!Array.isArray(got.map) && !(got.map instanceof LuaTable));
        assert.deepEqual(Object.keys(got.map as object), ["1"]);
      }));

    it(target, "never shares references with the caller", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const kv = await sm.open(host, "test");
        const u = user();
        const data = { list: ["a"], inner: { n: 1 } };
        await kv.set(u, data);
        data.list.push("b");
        data.inner.n = 2;
        const got = (await kv.get(u)) as { list: string[]; inner: { n: number } };
        assertValue(got, { list: ["a"], inner: { n: 1 } });
        got.list.push("c");
        assertValue(await kv.get(u), { list: ["a"], inner: { n: 1 } });
      }));

    it(target, "keeps host-wide data apart from users' data", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const kv = await sm.open(host, "persistent");
        const u = user();
        await kv.set(null, { "room@conference.example": true });
        await kv.set(u, { mine: true });
        assertValue(await kv.get(null), { "room@conference.example": true });
        assertValue(await kv.get(u), { mine: true });
        const users = await collect(kv.users());
        assert.deepEqual(users, [u], "host-wide data is not a user");
      }));

    it(target, "lists the users that have data", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const kv = await sm.open(host, "test");
        const [a, b, c] = [user("a"), user("b"), user("c")];
        await kv.set(a, { x: 1 });
        await kv.set(b, { x: 2 });
        await kv.set(c, { x: 3 });
        await kv.set(b, undefined);
        assert.deepEqual((await collect(kv.users())).sort(), [a, c].sort());
      }));

    it(target, "keeps awkward user names apart and lists them exactly", () =>
      withEnv(target, async ({ sm, host }) => {
        const kv = await sm.open(host, "awkward");
        for (const name of AWKWARD_USERS) await kv.set(name, { name });
        for (const name of AWKWARD_USERS) assertValue(await kv.get(name), { name }, `user ${JSON.stringify(name)}`);
        assert.deepEqual((await collect(kv.users())).sort(), [...AWKWARD_USERS].sort());
      }));

    it(target, "keeps hosts and stores apart", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const u = user();
        const other = `other-${host}`;
        await (await sm.open(host, "one")).set(u, { store: "one" });
        await (await sm.open(host, "two")).set(u, { store: "two" });
        await (await sm.open(other, "one")).set(u, { host: "other" });
        assertValue(await (await sm.open(host, "one")).get(u), { store: "one" });
        assertValue(await (await sm.open(host, "two")).get(u), { store: "two" });
        assertValue(await (await sm.open(other, "one")).get(u), { host: "other" });
        await (await sm.open(other, "one")).set(u, undefined);
      }));

    it(target, "accepts store names Prosody modules use", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const u = user();
        for (const store of ["account_details", "pep_http://jabber.org/protocol/nick", "pubsub_ünïcode node", "muc_log"]) {
          const kv = await sm.open(host, store);
          await kv.set(u, { store });
          assertValue(await kv.get(u), { store });
        }
      }));

    it(target, "rejects bad users and values before storing anything", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const kv = await sm.open(host, "test");
        const u = user();
        await rejectsWith(kv.get(""), "invalid-input");
        await rejectsWith(kv.get(42 as never), "invalid-input");
        await rejectsWith(kv.set("a\0b", { x: 1 }), "invalid-input");
        await rejectsWith(kv.set(u, { f: (() => 1) as never }), "unsupported-datatype");
        await rejectsWith(kv.set(u, { d: new Date() as never }), "unsupported-datatype");
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        await rejectsWith(kv.set(u, cyclic as never), "unsupported-datatype");
        assert.equal(await kv.get(u), undefined);
      }));

    it(target, "keeps data across managers exactly when caps.persistent says so", () =>
      withEnv(target, async (env) => {
        const u = env.user();
        const value = awkwardValues(env.caps.byteStrings).roster;
        await (await env.sm.open(env.host, "roster")).set(u, value);
        await (await env.sm.open(env.host, "roster")).set(null, { hostwide: 1 });
        const sm = await env.reopen();
        const kept = env.caps.persistent;
        assertValue(await (await sm.open(env.host, "roster")).get(u), kept ? value : undefined);
        assertValue(await (await sm.open(env.host, "roster")).get(null), kept ? { hostwide: 1 } : undefined);
      }));
  });
}
