/**
 * Interop with Prosody's own Lua: what util.serialization writes, we read to the same values;
 * what we write, Lua 5.4 loads (as util.datamanager does, in an empty environment) to the same
 * values, compared through a small dump written by Lua itself.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseDatFile, parseListItems, serializeDatFile, serializeListItem } from "../../../src/format/lua/index.js";
import { LuaTable, stringFromBytes, tableFromPairs, valuesEqual, type LuaKey, type Value } from "../../../src/values/index.js";
import { needService } from "../../helpers/services.js";
import { luaAvailable, runLua } from "./lua-runner.js";
import { value, withElementsAsTables } from "./arbitraries.js";

const SAMPLES = 250;

/**
 * Lua side of the dump: one JSON document per value, exact for every Lua type: strings as hex
 * bytes, integers in %d, floats in %.17g (which round-trips doubles), tables as pair lists.
 */
const LUA_DUMP = `
local function hex(s) return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end)) end
local dump
function dump(v)
  local t = type(v)
  if t == "string" then return '{"s":"' .. hex(v) .. '"}'
  elseif t == "boolean" then return '{"b":' .. tostring(v) .. '}'
  elseif t == "number" then
    if math.type(v) == "integer" then return '{"i":"' .. string.format("%d", v) .. '"}' end
    if v ~= v then return '{"f":"nan"}' elseif v == math.huge then return '{"f":"inf"}' elseif v == -math.huge then return '{"f":"-inf"}' end
    return '{"f":"' .. string.format("%.17g", v) .. '"}'
  elseif t == "table" then
    local out = {}
    for k, x in pairs(v) do out[#out + 1] = "[" .. dump(k) .. "," .. dump(x) .. "]" end
    return '{"t":[' .. table.concat(out, ",") .. ']}'
  end
  return '{"nil":true}'
end
`;

type Dumped = { s: string } | { b: boolean } | { i: string } | { f: string } | { t: Array<[Dumped, Dumped]> } | { nil: true };

function fromDump(d: Dumped): Value {
  if ("s" in d) return stringFromBytes(Buffer.from(d.s, "hex"));
  if ("b" in d) return d.b;
  if ("i" in d) {
    const n = BigInt(d.i);
    return Number.isSafeInteger(Number(n)) ? Number(n) : n;
  }
  if ("f" in d) return d.f === "nan" ? NaN : d.f === "inf" ? Infinity : d.f === "-inf" ? -Infinity : Number(d.f);
  if ("t" in d) return tableFromPairs(d.t.map(([k, v]) => [fromDump(k) as LuaKey, fromDump(v)] as [LuaKey, Value]));
  throw new Error("nil in a dump");
}

const samples = (): Value[] => fc.sample(value, { numRuns: SAMPLES, seed: 42 });

describe("lua interop with Prosody 0.12 on Lua 5.4", () => {
  it("Lua loads our .dat files to the values we wrote", (t) => {
    if (!needService(t, "lua5.4 + prosody", luaAvailable, "apt-get install prosody")) return;
    const values = samples();
    const files = values.map((v) => serializeDatFile(v));
    const script = `${LUA_DUMP}
      local out = {}
      for chunk in io.read("a"):gmatch("([^%z]*)%z") do
        local f = assert(load(chunk, "=dat", "t", {}))
        out[#out + 1] = dump(f())
      end
      io.write("[", table.concat(out, ","), "]")`;
    const dumps = JSON.parse(runLua(script, files.map((f) => `${f}\0`).join("")).toString("latin1")) as Dumped[];
    assert.equal(dumps.length, values.length);
    dumps.forEach((d, i) => assert.ok(valuesEqual(fromDump(d), withElementsAsTables(values[i])), files[i]));
  });

  it("Lua reads our .list file with item = table.insert, as list_load does", (t) => {
    if (!needService(t, "lua5.4 + prosody", luaAvailable)) return;
    const items = samples().map((v, i) => LuaTable.from({ key: `k${i}`, when: 1696325408 + i }, [["value", v]]));
    const file = items.map((item) => serializeListItem(item)).join("");
    const script = `${LUA_DUMP}
      local items = {}
      local f = assert(load(io.read("a"), "=list", "t", { item = function(i) table.insert(items, i) end }))
      f()
      local out = {}
      for i, item in ipairs(items) do out[i] = dump(item) end
      io.write("[", table.concat(out, ","), "]")`;
    const dumps = JSON.parse(runLua(script, file).toString("latin1")) as Dumped[];
    assert.equal(dumps.length, items.length);
    dumps.forEach((d, i) => assert.ok(valuesEqual(fromDump(d), withElementsAsTables(items[i]))));
  });

  it("we read what util.serialization and datamanager write", (t) => {
    if (!needService(t, "lua5.4 + prosody", luaAvailable)) return;
    const values = samples();
    // Lua loads each value (from our text), then Prosody writes it with its own serializer,
    // in Lua's own key order, as a .dat file and as a .list item
    const script = `
      local serialize = require "util.serialization".serialize
      local dats, list = {}, {}
      for chunk in io.read("a"):gmatch("([^%z]*)%z") do
        local v = assert(load("return " .. chunk, "=value", "t", {}))()
        dats[#dats + 1] = "return " .. serialize(v) .. ";\\n"
        list[#list + 1] = "item(" .. serialize({ value = v }) .. ");\\n"
      end
      io.write(table.concat(dats, "\\0"), "\\0\\0", table.concat(list))`;
    const input = values.map((v) => `${serializeDatFile(v).slice("return ".length, -2)}\0`).join("");
    const output = runLua(script, input);
    const split = output.indexOf("\0\0");
    const dats = output.subarray(0, split).toString("latin1").split("\0");
    assert.equal(dats.length, values.length);
    dats.forEach((text, i) => {
      const back = parseDatFile(Buffer.from(text, "latin1"), "prosody.dat");
      assert.ok(back !== undefined && valuesEqual(back, withElementsAsTables(values[i])), text);
    });
    const { items, torn } = parseListItems(output.subarray(split + 2), "prosody.list");
    assert.equal(torn, undefined);
    assert.equal(items.length, values.length);
    items.forEach((item, i) => assert.ok(valuesEqual(item.value, { value: withElementsAsTables(values[i]) })));
  });
});
