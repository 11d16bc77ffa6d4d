import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Element } from "ltx";
import { formatFloat18g, serializeDatFile, serializeListItem, serializeValue, tableFromElement } from "../../../src/format/lua/index.js";
import fc from "fast-check";
import { LuaTable, tablePairs, type LuaKey, type Value } from "../../../src/values/index.js";
import { value, withElementsAsTables } from "./arbitraries.js";
import { StorageError } from "../../../src/errors.js";
import { needService } from "../../helpers/services.js";
import { luaAvailable, runLua } from "./lua-runner.js";

describe("lua serialize", () => {
  it("writes scalars as Prosody does", () => {
    assert.equal(serializeValue("plain"), '"plain"');
    assert.equal(serializeValue("a\x07\b\f\n\r\t\v\\\"'z"), '"a\\a\\b\\f\\n\\r\\t\\v\\\\\\"\\\'z"');
    assert.equal(serializeValue("Zoë\x00\x1f\x7f"), '"Zo\\195\\171\\000\\031\\127"');
    assert.equal(serializeValue(new Uint8Array([0xff, 0x41])), '"\\255A"');
    assert.equal(serializeValue(42), "42");
    assert.equal(serializeValue(-7), "-7");
    assert.equal(serializeValue(-(2n ** 63n)), "-9223372036854775808");
    assert.equal(serializeValue(0.1), "0.100000000000000006");
    assert.equal(serializeValue(1e300), "1.00000000000000005e+300");
    assert.equal(serializeValue(2 ** 60), "1.15292150460684698e+18");
    assert.equal(serializeValue(Infinity), "(1/0)");
    assert.equal(serializeValue(-Infinity), "(-1/0)");
    assert.equal(serializeValue(NaN), "(0/0)");
    assert.equal(serializeValue(true), "true");
    assert.equal(serializeValue(false), "false");
  });

  it("formats %.18g including ties, exponents and subnormals", () => {
    assert.equal(formatFloat18g(100000000000000.0625), "100000000000000.062"); // a tie: half to even
    assert.equal(formatFloat18g(1e-5), "1.00000000000000008e-05");
    assert.equal(formatFloat18g(5e-324), "4.94065645841246544e-324");
    assert.equal(formatFloat18g(1e21), "1e+21");
    assert.equal(formatFloat18g(123456789012345680), "123456789012345680");
    assert.equal(formatFloat18g(0.0001), "0.000100000000000000005");
    assert.equal(formatFloat18g(-2.5), "-2.5");
    assert.equal(formatFloat18g(-0), "-0");
  });

  it("writes -0 as -0.0, which Lua reads back as -0 (Prosody's \"-0\" reads back as the integer 0)", (t) => {
    assert.equal(serializeValue(-0), "-0.0");
    assert.equal(serializeDatFile({ z: -0 }), 'return {\n\t["z"] = -0.0;\n};\n');
    if (!needService(t, "lua5.4 with Prosody's libraries", luaAvailable)) return;
    const script = `for _, text in ipairs({ "-0.0", "-0" }) do local v = load("return " .. text)(); io.write(text, "=", math.type(v), ":", tostring(1 / v), " ") end`;
    assert.equal(runLua(script).toString(), "-0.0=float:-inf -0=integer:inf ");
  });

  it("writes tables tab-indented, array part first, every key bracketed", () => {
    const value = LuaTable.from({ end: "kw", b: [1, "x"] }, [[false, {}], [1, "one"], [2, "two"], [4, "four"], [1.5, 2]]);
    assert.equal(
      serializeValue(value),
      [
        "{",
        '\t"one";',
        '\t"two";',
        '\t["end"] = "kw";',
        '\t["b"] = {',
        "\t\t1;",
        '\t\t"x";',
        "\t};",
        "\t[false] = {};",
        '\t[4] = "four";',
        "\t[1.5] = 2;",
        "}",
      ].join("\n"),
    );
    assert.equal(serializeValue({}), "{}");
    assert.equal(serializeValue([]), "{}");
  });

  it("writes an Element as st.preserialize's table", () => {
    const message = new Element("message", { to: "juliet@example.com", xmlns: "jabber:client" });
    message.c("body").t("hi");
    message.t("tail");
    const text = serializeValue(message);
    assert.equal(
      text,
      [
        "{",
        "\t{",
        '\t\t"hi";',
        '\t\t["name"] = "body";',
        '\t\t["attr"] = {};',
        "\t};",
        '\t"tail";',
        '\t["name"] = "message";',
        '\t["attr"] = {',
        '\t\t["to"] = "juliet@example.com";',
        '\t\t["xmlns"] = "jabber:client";',
        "\t};",
        "}",
      ].join("\n"),
    );
    assert.equal(serializeValue(tableFromElement(message)), text);
  });

  it("frames .dat and .list entries", () => {
    assert.equal(serializeDatFile({ a: 1 }), 'return {\n\t["a"] = 1;\n};\n');
    assert.equal(serializeListItem({ a: 1 }), 'item({\n\t["a"] = 1;\n});\n');
  });

  it("refuses nesting Lua cannot load", () => {
    let deep: Value = {};
    for (let i = 0; i < 195; i++) deep = [deep];
    assert.throws(() => serializeValue(deep), (error: unknown) => error instanceof StorageError && error.condition === "unsupported-datatype");
  });
});

describe("lua serialize: byte for byte with Prosody's util.serialization", () => {
  // Tables with at most one hash key, so that Lua's own key order cannot differ from ours.
  const samples: Value[] = [
    "simple",
    "all \x00\x01\x07\b\t\n\v\f\r\x1b\"'\\ \x7f bytes ünïcödé 😀",
    new Uint8Array([0, 127, 128, 255, 34]),
    0,
    -1,
    1696325408,
    9007199254740993n,
    -9223372036854775807n,
    0.1,
    -2.5e-10,
    1 / 3,
    1e100,
    123456.789,
    2 ** 70,
    Infinity,
    -Infinity,
    NaN,
    true,
    false,
    {},
    ["a", 1, true, 2.5, [["nested"]], { k: "v" }],
    { ["end"]: { ["with space"]: [1, 2, 3] } },
    new LuaTable([[false, { version: 1 }]]),
    new LuaTable([[1.5, "x"]]),
    new LuaTable([[1, "a"], [2, "b"], [7, "seven"]]),
  ];

  it("matches for every sample value", (t) => {
    if (!needService(t, "lua5.4 + prosody", luaAvailable, "apt-get install prosody")) return;
    // each sample goes through Lua as our own text, loaded in an empty environment and
    // written again by Prosody's serializer; NUL-separated on both sides
    const ours = samples.map((value) => serializeValue(value));
    const script = `
      local serialize = require "util.serialization".serialize
      local out = {}
      for chunk in io.read("a"):gmatch("([^%z]*)%z") do
        local f = assert(load("return " .. chunk, "=sample", "t", {}))
        out[#out + 1] = serialize(f())
      end
      io.write(table.concat(out, "\\0"))`;
    const theirs = runLua(script, ours.map((text) => `${text}\0`).join("")).toString("latin1").split("\0");
    assert.deepEqual(theirs, ours);
  });

  it("formats random doubles exactly as string.format('%.18g')", (t) => {
    if (!needService(t, "lua5.4", luaAvailable)) return;
    const view = new DataView(new ArrayBuffer(8));
    const numbers: number[] = [100000000000000.0625, 2.5, 0.5, 1e22, 1e-7, 9.5e-5, 1.2345678901234568e20];
    for (let i = 0; i < 3000; i++) {
      view.setUint32(0, (Math.random() * 2 ** 32) >>> 0);
      view.setUint32(4, (Math.random() * 2 ** 32) >>> 0);
      const x = view.getFloat64(0);
      if (Number.isFinite(x)) numbers.push(x);
      // small integers plus a binary fraction: the values where exact ties occur
      numbers.push(Math.floor(Math.random() * 2 ** 40) + Math.floor(Math.random() * 16) / 16);
    }
    const script = `for line in io.lines() do io.write(string.format("%.18g", tonumber(line)), "\\n") end`;
    const input = numbers.map((x) => x.toPrecision(17) + "\n").join("");
    const expected = runLua(script, input).toString("latin1").trimEnd().split("\n");
    assert.deepEqual(numbers.map(formatFloat18g), expected);
  });
});

/** Lua's order for the hash keys in the test iterator below: booleans, numbers, strings. */
function compareKeys(a: LuaKey, b: LuaKey): number {
  const rank = (k: LuaKey): number => (typeof k === "boolean" ? 0 : typeof k === "number" || typeof k === "bigint" ? 1 : 2);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (typeof a === "boolean") return a === b ? 0 : a ? 1 : -1;
  if (rank(a) === 1) {
    const x = a as number | bigint;
    const y = b as number | bigint;
    if (Number.isInteger(Number(x)) && Number.isInteger(Number(y)) && Number.isFinite(Number(x)) && Number.isFinite(Number(y))) {
      const bx = BigInt(x);
      const by = BigInt(y);
      return bx < by ? -1 : bx > by ? 1 : 0;
    }
    return Number(x) - Number(y);
  }
  const bytes = (k: LuaKey): Buffer => (typeof k === "string" ? Buffer.from(k, "utf8") : Buffer.from(k as Uint8Array));
  return Buffer.compare(bytes(a), bytes(b));
}

/** The same value with every table's keys inserted in that order. */
function sortedKeys(v: Value): Value {
  if (typeof v !== "object" || v instanceof Uint8Array) return v;
  if (Array.isArray(v)) return v.map(sortedKeys);
  const pairs = Array.from(tablePairs(v as never) as Iterable<[LuaKey, Value]>);
  pairs.sort(([a], [b]) => compareKeys(a, b));
  return new LuaTable(pairs.map(([k, x]) => [k, sortedKeys(x)] as [LuaKey, Value]));
}

describe("lua serialize: byte for byte with Prosody on random values", () => {
  it("matches util.serialization given the same key order", (t) => {
    if (!needService(t, "lua5.4 + prosody", luaAvailable)) return;
    const values = fc.sample(value, { numRuns: 300, seed: 7 }).map((v) => sortedKeys(withElementsAsTables(v)));
    const ours = values.map((v) => serializeValue(v));
    // Prosody's serializer with a key iterator in that same order (its default follows Lua's
    // hash order, which is not fixed); everything else is its default style
    const script = `
      local function rank(k) local t = type(k); return t == "boolean" and 0 or t == "number" and 1 or 2 end
      local function before(a, b)
        if rank(a) ~= rank(b) then return rank(a) < rank(b) end
        if type(a) == "boolean" then return (not a) and b end
        return a < b
      end
      local function ordered(t)
        local keys, n = {}, 0
        while rawget(t, n + 1) ~= nil do n = n + 1; keys[n] = n end
        local rest = {}
        for k in next, t do
          if not (math.type(k) == "integer" and k >= 1 and k <= n) then rest[#rest + 1] = k end
        end
        table.sort(rest, before)
        for _, k in ipairs(rest) do keys[#keys + 1] = k end
        local i = 0
        return function() i = i + 1; local k = keys[i]; if k ~= nil then return k, t[k] end end, t, nil
      end
      local serialize = require "util.serialization".new({ table_iterator = ordered })
      local out = {}
      for chunk in io.read("a"):gmatch("([^%z]*)%z") do
        out[#out + 1] = serialize(assert(load("return " .. chunk, "=sample", "t", {}))())
      end
      io.write(table.concat(out, "\\0"))`;
    const theirs = runLua(script, ours.map((text) => `${text}\0`).join("")).toString("latin1").split("\0");
    assert.equal(theirs.length, ours.length);
    theirs.forEach((text, i) => {
      // Lua reads -9223372036854775808 back as a float, which it then writes in %.18g
      if (!ours[i].includes("-9223372036854775808")) assert.equal(text, ours[i]);
    });
  });
});
