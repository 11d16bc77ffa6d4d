import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { Element, parse } from "ltx";
import { decodeDumpValue, encodeDumpValue } from "../../../src/format/dump/value.js";
import { isStorageError } from "../../../src/errors.js";
import { LuaTable, valuesEqual, type Value } from "../../../src/values/index.js";
import { valueArb } from "./arbitraries.js";

test("scalars: strings, numbers, booleans as JSON; others tagged", () => {
  assert.equal(encodeDumpValue("Zoë"), "Zoë");
  assert.equal(encodeDumpValue(0.1), 0.1);
  assert.equal(encodeDumpValue(false), false);
  assert.deepEqual(encodeDumpValue(Infinity), { $number: "inf" });
  assert.deepEqual(encodeDumpValue(-Infinity), { $number: "-inf" });
  assert.deepEqual(encodeDumpValue(NaN), { $number: "nan" });
  assert.deepEqual(encodeDumpValue(2n ** 62n), { $int: "4611686018427387904" });
  assert.deepEqual(encodeDumpValue(-(2n ** 63n)), { $int: "-9223372036854775808" });
  assert.equal(encodeDumpValue(5n), 5);
  assert.equal(encodeDumpValue(2 ** 53 - 1), 2 ** 53 - 1);
  assert.deepEqual(encodeDumpValue(Uint8Array.from([0xff, 0x00, 0x41])), { $bytes: "/wBB" });
  assert.equal(encodeDumpValue(Uint8Array.from([0x68, 0x69])), "hi");
});

test("tables: 1..n as arrays, string keys as objects, the rest as sorted $table", () => {
  assert.deepEqual(encodeDumpValue(["a", "b"]), ["a", "b"]);
  assert.deepEqual(encodeDumpValue({}), {});
  assert.deepEqual(encodeDumpValue([]), {});
  assert.deepEqual(encodeDumpValue({ b: 1, a: [true] }), { b: 1, a: [true] });
  assert.deepEqual(encodeDumpValue(new LuaTable([[1, "x"], [2, "y"]])), ["x", "y"]);
  assert.deepEqual(encodeDumpValue(new LuaTable([["k", "v"]])), { k: "v" });
  const roster = new LuaTable([
    ["juliet@example.com", { subscription: "both", groups: {} }],
    [false, { version: 1, pending: {} }],
    [10, "ten"],
    [2n ** 60n, "big"],
    [-1.5, "neg"],
    [true, "t"],
    ["Z", "z"],
  ]);
  assert.deepEqual(encodeDumpValue(roster), {
    $table: [
      [false, { pending: {}, version: 1 }],
      [true, "t"],
      [-1.5, "neg"],
      [10, "ten"],
      [{ $int: "1152921504606846976" }, "big"],
      ["Z", "z"],
      ["juliet@example.com", { groups: {}, subscription: "both" }],
    ],
  });
});

test("keys 1..n in any insertion order still make an array", () => {
  assert.deepEqual(encodeDumpValue(new LuaTable([[2, "b"], [1, "a"]])), ["a", "b"]);
  assert.deepEqual(decodeDumpValue({ $table: [[2, "b"], [1, "a"]] }), ["a", "b"]);
});

test("a string-keyed table with a $ key is written as $table", () => {
  assert.deepEqual(encodeDumpValue({ $xml: "<x/>", a: 1 }), { $table: [["$xml", "<x/>"], ["a", 1]] });
  const back = decodeDumpValue({ $table: [["$xml", "<x/>"], ["a", 1]] });
  assert.deepEqual(Object.keys(back as object).sort(), ["$xml", "a"]);
});

test("sparse and mixed tables", () => {
  const mixed = new LuaTable([[1, "a"], [3, "c"], ["name", "n"]]);
  assert.deepEqual(encodeDumpValue(mixed), { $table: [[1, "a"], [3, "c"], ["name", "n"]] });
  assert.ok(valuesEqual(decodeDumpValue(encodeDumpValue(mixed)), mixed));
});

test("XML elements become canonical $xml and parse back", () => {
  const el = parse(`<storage xmlns='storage:rosternotes'><note jid='romeo@montague.example'>Likes "tea" &amp; &lt;cake&gt;</note></storage>`);
  const json = encodeDumpValue({ stanza: el });
  assert.deepEqual(json, { stanza: { $xml: `<storage xmlns="storage:rosternotes"><note jid="romeo@montague.example">Likes "tea" &amp; &lt;cake&gt;</note></storage>` } });
  const back = decodeDumpValue(json) as { stanza: Element };
  assert.ok(back.stanza instanceof Element);
  assert.ok(valuesEqual(back, { stanza: el }));
});

test("__proto__ stays an ordinary key both ways", () => {
  const json = JSON.parse('{"__proto__": {"x": 1}, "y": 2}');
  const value = decodeDumpValue(json);
  assert.deepEqual(Object.keys(value as object).sort(), ["__proto__", "y"]);
  assert.equal(Object.getPrototypeOf(value), Object.prototype);
  const again = encodeDumpValue(value) as Record<string, unknown>;
  assert.ok(Object.hasOwn(again, "__proto__"));
  assert.deepEqual(JSON.parse(JSON.stringify(again)), json);
});

test("decoding rejects what the encoder never writes", () => {
  const bad: unknown[] = [
    null,
    { $bytes: "not base64!" },
    { $bytes: "/wB" },
    { $int: "1.5" },
    { $int: "9223372036854775808" },
    { $number: "Infinity" },
    { $table: [[1]] },
    { $table: [[{ a: 1 }, 1]] },
    { $table: [[{ $number: "nan" }, 1]] },
    { $xml: "<a><b></a>" },
    { $xml: 3 },
    { $what: 1 },
    { $xml: "<x/>", other: 1 },
    { a: { $table: "x" } },
    [1, null],
  ];
  for (const json of bad) {
    assert.throws(() => decodeDumpValue(json), (e) => isStorageError(e, "invalid-input"), JSON.stringify(json));
  }
  assert.throws(() => decodeDumpValue({ a: [1, { $int: "x" }] }), /value\["a"\]\[1\]/);
});

test("decoding normalises: safe $int to number, UTF-8 $bytes to string, [] to {}", () => {
  assert.equal(decodeDumpValue({ $int: "42" }), 42);
  assert.equal(decodeDumpValue({ $bytes: "aGk=" }), "hi");
  assert.deepEqual(decodeDumpValue([]), {});
  assert.ok(Number.isNaN(decodeDumpValue({ $number: "nan" })));
});

test("property: decode(encode(v)) equals v, also through JSON text", () => {
  fc.assert(
    fc.property(valueArb, (value: Value) => {
      const json = encodeDumpValue(value);
      assert.ok(valuesEqual(decodeDumpValue(json), value));
      const reparsed = JSON.parse(JSON.stringify(json));
      const back = decodeDumpValue(reparsed);
      assert.ok(valuesEqual(back, value));
      assert.deepEqual(encodeDumpValue(back), reparsed);
    }),
    { numRuns: 500 },
  );
});

test("property: the encoding depends only on the Lua value, not on its JS shape", () => {
  fc.assert(
    fc.property(valueArb, (value: Value) => {
      if (typeof value !== "object" || value instanceof Uint8Array || value instanceof Element) return;
      const pairs = Array.from(value instanceof LuaTable ? value : new LuaTable(Array.isArray(value) ? value.map((v, i) => [i + 1, v]) : Object.entries(value)));
      const shuffled = new LuaTable(pairs.reverse());
      assert.deepEqual(JSON.stringify(encodeDumpValue(shuffled)), JSON.stringify(encodeDumpValue(value)));
    }),
    { numRuns: 300 },
  );
});
