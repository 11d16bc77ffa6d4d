import assert from "node:assert/strict";
import { describe } from "node:test";
import { Element } from "ltx";
import { MAX_DEPTH, type Value } from "../../src/values/index.js";
import { assertValue, collect, rejectsWith, withEnv, conformanceIt as it, type ConformanceTarget } from "./context.js";

/** `levels` tables nested in each other, the innermost holding `leaf`. */
function nestedTables(levels: number, leaf: Value = "leaf"): Value {
  let value: Value = leaf;
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? { k: value } : [value];
  return value;
}

/**
 * A message whose elements nest so deep that, written as Prosody writes stanzas (each element a
 * table, its attributes one more), it takes `levels` tables.
 */
function nestedMessage(levels: number): Element {
  let inner = new Element("x", { n: "innermost" });
  for (let i = 2; i < levels - 1; i++) inner = new Element("x").cnode(inner).root();
  return new Element("message", { xmlns: "jabber:client", type: "chat" }).cnode(inner).root();
}

/** The value's sign of zero must survive, which valuesEqual (like ===) does not check. */
function assertNegativeZero(actual: unknown, where: string): void {
  assert.ok(Object.is(actual, -0), `${where}: expected -0, got ${Object.is(actual, 0) ? "0" : String(actual)}`);
}

/**
 * What one backend stores, every other must store and give back the same, so that a migration
 * between any two never fails or changes a value: the sign of zero, and nesting up to the one
 * depth limit of the values layer (MAX_DEPTH), refused beyond it by every backend alike.
 */
export function valueTests(target: ConformanceTarget): void {
  describe("values the same on every backend", () => {
    it(target, "keeps -0 as -0 in keyval and map stores", () =>
      withEnv(target, async (env) => {
        const alice = env.user();
        await (await env.sm.open(env.host, "zero")).set(alice, { z: -0, list: [-0, 0], t: { z: -0 } });
        await (await env.sm.open(env.host, "zeromap", "map")).set(alice, "z", -0);
        const sm = env.caps.persistent ? await env.reopen() : env.sm;
        const got = (await (await sm.open(env.host, "zero")).get(alice)) as { z: number; list: number[]; t: { z: number } };
        assertNegativeZero(got.z, "keyval z");
        assertNegativeZero(got.list[0], "keyval list[1]");
        assert.ok(Object.is(got.list[1], 0), "0 stays 0");
        assertNegativeZero(got.t.z, "keyval t.z");
        assertNegativeZero(await (await sm.open(env.host, "zeromap", "map")).get(alice, "z"), "map z");
      }));

    it(target, `stores keyval values nested ${MAX_DEPTH} tables deep and refuses one more`, () =>
      withEnv(target, async (env) => {
        const kv = await env.sm.open(env.host, "deep");
        const alice = env.user();
        await kv.set(alice, nestedTables(MAX_DEPTH));
        const bob = env.user();
        await rejectsWith(kv.set(bob, nestedTables(MAX_DEPTH + 1)), "unsupported-datatype", new RegExp(`deeper than ${MAX_DEPTH}`));
        const sm = env.caps.persistent ? await env.reopen() : env.sm;
        assertValue(await (await sm.open(env.host, "deep")).get(alice), nestedTables(MAX_DEPTH));
        assert.equal(await (await sm.open(env.host, "deep")).get(bob), undefined, "nothing stored for the refused value");
      }));

    it(target, `stores map values one table less deep, as they are fields of the user's record`, () =>
      withEnv(target, async (env) => {
        const map = await env.sm.open(env.host, "deepmap", "map");
        const alice = env.user();
        await map.set(alice, "k", nestedTables(MAX_DEPTH - 1));
        await rejectsWith(map.set(alice, "other", nestedTables(MAX_DEPTH)), "unsupported-datatype", new RegExp(`deeper than ${MAX_DEPTH}`));
        await rejectsWith(map.setKeys(alice, { other: nestedTables(MAX_DEPTH) }), "unsupported-datatype");
        const sm = env.caps.persistent ? await env.reopen() : env.sm;
        assertValue(await (await sm.open(env.host, "deepmap", "map")).get(alice, "k"), nestedTables(MAX_DEPTH - 1));
        assertValue(await (await sm.open(env.host, "deepmap")).get(alice), { k: nestedTables(MAX_DEPTH - 1) }, "the whole record, as keyval");
      }));

    it(target, `stores archived stanzas nested up to the same limit and refuses deeper ones`, () =>
      withEnv(target, async (env) => {
        const archive = await env.sm.open(env.host, "deeparchive", "archive");
        const alice = env.user();
        const deepest = nestedMessage(MAX_DEPTH);
        const id = await archive.append(alice, null, deepest, 1_700_000_000, "romeo@example.com");
        await rejectsWith(archive.append(alice, null, nestedMessage(MAX_DEPTH + 1), 1_700_000_001, "romeo@example.com"), "unsupported-datatype");
        const sm = env.caps.persistent ? await env.reopen() : env.sm;
        const items = await collect(await (await sm.open(env.host, "deeparchive", "archive")).find(alice));
        assert.deepEqual(
          items.map((item) => item.id),
          [id],
        );
        assert.equal(items[0].value.toString(), deepest.toString());
      }));
  });
}
