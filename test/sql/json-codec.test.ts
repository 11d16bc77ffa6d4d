import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { decodeProsodyJson, encodeProsodyJson, formatLuaNumber, parseLuaNumber } from "../../src/format/json/index.js";
import { parseDatFile } from "../../src/format/lua/index.js";
import { LuaTable, type Value } from "../../src/values/index.js";
import { awkwardValues } from "../conformance/index.js";
import { assertValue } from "../conformance/index.js";
import { commandWorks, needService } from "../helpers/services.js";

const SCRIPT = fileURLToPath(new URL("./prosody-json.lua", import.meta.url));
const haveLua = commandWorks("lua5.4", ["-e", "package.path='/usr/lib/prosody/?.lua;'..package.path; require'util.json'"]);

function viaProsody(lines: Array<string | Uint8Array>): Buffer[] {
  const input = Buffer.concat(lines.flatMap((line) => [Buffer.from(line), Buffer.from("\n")]));
  const output = execFileSync("lua5.4", [SCRIPT], { input });
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < output.length; i++) {
    if (output[i] !== 0x0a) continue;
    out.push(output.subarray(start, i));
    start = i + 1;
  }
  return out;
}

/** Values Prosody's SQL backend loses (floats, inf, int64, NUL) or that need util.json's special keys. */
const EDGE_VALUES: Record<string, Value> = {
  floats: { third: 1 / 3, sum: 0.1 + 0.2, stamp: 1700000000.123456, tiny: 5e-324, float60: 2 ** 60, negzero: -0 },
  infinities: { up: Infinity, down: -Infinity },
  int64: { max: 2n ** 63n - 1n, min: -(2n ** 63n) },
  nul: { text: "a\0b", key: new LuaTable([["k\0ey", 1]]) },
  controls: { all: Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join(""), quote: '"\\/', del: "\u007f" },
  astral: { emoji: "🎉 𝄞", bmp: "\uffee" },
  specialKeys: { __hash: "h", __array: "a", plain: 1 },
  emptyTable: {},
  nestedEmpty: { list: [[], {}] },
  deep: new LuaTable([
    [false, { version: 1 }],
    [true, [1, 2]],
    [2.5, "x"],
    [1, "one"],
  ]),
};

describe("Prosody JSON (util.json conventions)", () => {
  const all = { ...awkwardValues(true), ...EDGE_VALUES };

  it("round-trips every value shape through its own codec", () => {
    for (const [name, value] of Object.entries(all)) {
      assertValue(decodeProsodyJson(encodeProsodyJson(value)), value, name);
    }
  });

  it("writes what Prosody's util.json decodes to the same Lua value", (t) => {
    if (!needService(t, "lua5.4 with Prosody's util.json", haveLua)) return;
    const names = Object.keys(all);
    const outputs = viaProsody(names.map((name) => encodeProsodyJson(all[name])));
    assert.equal(outputs.length, names.length);
    names.forEach((name, i) => {
      assert.ok(!outputs[i].toString().startsWith("error"), `${name}: ${outputs[i].toString()}`);
      assertValue(parseDatFile(outputs[i], name) ?? {}, all[name], name);
    });
  });

  it("reads what Prosody's util.json writes", (t) => {
    if (!needService(t, "lua5.4 with Prosody's util.json", haveLua)) return;
    const lines = execFileSync("lua5.4", [SCRIPT, "encode"]).toString("latin1").split("\n").filter(Boolean);
    const expected: Value[] = [
      { a: 1, b: "two", c: [1, 2, 3] },
      LuaTable.from({ "bob@example.com": { groups: { Work: true } } }, [[false, { version: 2, pending: {} }]]),
      new LuaTable([
        [1, "x"],
        [2, "y"],
        ["name", "mixed"],
      ]),
      new LuaTable([
        [1, "a"],
        [3, "c"],
      ]),
      new LuaTable([
        [1.5, "half"],
        [-1, "minus"],
        [true, "yes"],
      ]),
      { big: 2n ** 63n - 1n, small: -(2n ** 63n), float: 0.5, huge: 1e300, neg: -2.5 },
      { nul: "a\0b", ctl: "\u0001\u001f", quote: '"\\/', utf8: "Zoë 🎉", raw: Uint8Array.from([0xff, 0x80]) },
      { __hash: "special", __array: "keys" },
      {},
    ];
    assert.equal(lines.length, expected.length);
    lines.forEach((line, i) => assertValue(decodeProsodyJson(Buffer.from(line, "latin1")), expected[i], line));
  });

  it("rejects NaN, which no text Lua's tonumber reads gives back", () => {
    assert.throws(() => encodeProsodyJson({ x: NaN }), /NaN/);
  });

  it("writes numbers in full precision in a form Lua reads as the same number", () => {
    assert.equal(formatLuaNumber(0.1 + 0.2), "0.30000000000000004");
    assert.equal(formatLuaNumber(2 ** 60), "1.152921504606847e+18");
    assert.equal(formatLuaNumber(-0), "-0.0");
    assert.equal(formatLuaNumber(Infinity), "1e9999");
    assert.equal(formatLuaNumber(2n ** 62n), "4611686018427387904");
    assert.equal(parseLuaNumber("9223372036854775808"), 9223372036854775808);
    assert.equal(parseLuaNumber("-9223372036854775808"), -(2n ** 63n));
    assert.equal(parseLuaNumber("1.0"), 1);
    assert.equal(parseLuaNumber("inf"), Infinity);
    assert.ok(Number.isNaN(parseLuaNumber("-nan")));
    assert.equal(parseLuaNumber("0x10"), 16);
    assert.equal(parseLuaNumber("one"), undefined);
  });

  it("reports malformed JSON", () => {
    for (const bad of ["{", "[1,]", '{"a" 1}', '"\\q"', '"\\ud800"', "1 2", "tru"]) {
      assert.throws(() => decodeProsodyJson(bad), /invalid JSON/, bad);
    }
  });
});
