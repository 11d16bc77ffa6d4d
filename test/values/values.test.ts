import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { Element } from "ltx";
import { LuaTable, copyValue, isEmptyTable, normalizeValue, tableFromPairs, valuesEqual, type Value } from "../../src/values/index.js";
import { StorageError } from "../../src/errors.js";
import { arbitraryValue } from "../helpers/arbitrary.js";

function sharesReference(a: unknown, b: unknown, seen = new Set<unknown>()): boolean {
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return false;
  if (a === b) return true;
  if (seen.has(a)) return false;
  seen.add(a);
  const inner = (x: unknown): unknown[] =>
    x instanceof LuaTable ? [...x].flat() : x instanceof Element ? x.children : Object.values(x as object);
  const left = inner(a);
  const right = inner(b);
  return left.some((x) => right.some((y) => sharesReference(x, y, seen)));
}

describe("value model", () => {
  it("copies arbitrary values unchanged and without shared references", () => {
    fc.assert(
      fc.property(arbitraryValue(), (value) => {
        const copy = copyValue(value);
        assert.ok(valuesEqual(copy, value));
        assert.ok(!sharesReference(copy, value));
      }),
      { numRuns: 500 },
    );
  });

  it("gives every table its canonical shape", () => {
    assert.deepEqual(tableFromPairs([]), {});
    assert.deepEqual(tableFromPairs([[2, "b"], [1, "a"]]), ["a", "b"]);
    assert.deepEqual(tableFromPairs([["1", "a"]]), { "1": "a" }, "a string key that looks like a number stays a string key");
    assert.ok(tableFromPairs([[1, "a"], [3, "c"]]) instanceof LuaTable, "sparse");
    assert.ok(tableFromPairs([[false, {}], ["x", 1]]) instanceof LuaTable, "roster metadata key");
    assert.ok(copyValue(new LuaTable([["a", 1]])) !== null && !(copyValue(new LuaTable([["a", 1]])) instanceof LuaTable));
    assert.deepEqual(normalizeValue([1, null, 3] as never) instanceof LuaTable, true, "holes make a sparse table");
    assert.equal(normalizeValue(Uint8Array.from([0x68, 0x69])), "hi", "valid UTF-8 bytes are a string");
    assert.equal(normalizeValue(5n), 5, "safe bigints are numbers");
  });

  it("compares in Lua's terms", () => {
    assert.ok(valuesEqual([], {}));
    assert.ok(valuesEqual(new LuaTable([[1, "a"], [2, "b"]]), ["a", "b"]));
    assert.ok(valuesEqual("é", Uint8Array.from([0xc3, 0xa9])));
    assert.ok(valuesEqual(1, 1n));
    assert.ok(valuesEqual(Number.NaN, Number.NaN));
    assert.ok(!valuesEqual(1, "1"));
    assert.ok(!valuesEqual({ a: 1 }, { a: 1, b: 2 }));
    assert.ok(!valuesEqual(new LuaTable([[false, 1]]), new LuaTable([["false", 1]])));
    const a = new Element("message", { to: "x" }).c("body").t("hi").root();
    const b = new Element("message", { to: "x" }).c("body").t("h").t("i").root();
    assert.ok(valuesEqual(a, b), "text split across nodes is the same text");
    assert.ok(!valuesEqual(a, new Element("message", { to: "y" }).c("body").t("hi").root()));
  });

  it("treats tables without pairs as empty", () => {
    assert.ok(isEmptyTable({}));
    assert.ok(isEmptyTable([]));
    assert.ok(isEmptyTable(new LuaTable()));
    assert.ok(!isEmptyTable({ a: false }));
    assert.ok(!isEmptyTable("" as Value));
  });

  it("rejects what a Lua table cannot hold, naming where", () => {
    const rejects = (value: unknown, pattern: RegExp) =>
      assert.throws(
        () => normalizeValue(value, "data"),
        (error: unknown) => error instanceof StorageError && error.condition === "unsupported-datatype" && pattern.test(error.message),
      );
    rejects({ a: { b: Symbol("s") } }, /data\["a"\]\["b"\]: a value of type symbol/);
    rejects({ when: new Date() }, /class Date/);
    rejects(2n ** 64n, /64-bit/);
    rejects("\ud800", /surrogate/);
    // the leaf and key shortcuts still check what they skip the walk for
    rejects({ a: { b: "ok\udc00" } }, /data\["a"\]\["b"\]: a string with a lone UTF-16 surrogate/);
    rejects({ ["k\ud800"]: 1 }, /surrogate/);
    rejects(new LuaTable([[false, 1], ["k\ud800", 2]]), /surrogate/);
    rejects(new LuaTable([[false, 1], [2n ** 64n - 1n, 2]]), /64-bit/);
    assert.deepEqual(normalizeValue(new LuaTable([[false, 1], ["a", 2n]]), "data"), new LuaTable([[false, 1], ["a", 2]]));
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 300; i++) deep = deep.x = {};
    rejects(root, /deeper than/);
  });
});

describe("LuaTable keys", () => {
  it("treats integral numbers and bigints of the same value as one key, as Lua does", () => {
    const table = new LuaTable([[2 ** 53, "float"]]);
    table.set(2n ** 53n, "integer");
    assert.equal(table.size, 1);
    assert.equal(table.get(2 ** 53), "integer");
    assert.equal(new LuaTable([[1, "a"]]).get(1n), "a");
    assert.equal(new LuaTable([[-0, "zero"]]).get(0), "zero");
    assert.equal(new LuaTable([[1.5, "x"]]).get(1.5), "x");
    assert.equal(new LuaTable([["1", "string"]]).get(1), undefined, "a string key is not a number key");
  });
});
