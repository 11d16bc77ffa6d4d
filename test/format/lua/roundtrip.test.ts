import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  parseDatFile,
  parseListItems,
  scanListItems,
  serializeDatFile,
  serializeListItem,
  serializeValue,
} from "../../../src/format/lua/index.js";
import { LuaTable, normalizeValue, tablePairs, valuesEqual, type Value } from "../../../src/values/index.js";

/** The JS form of every table in a value: which of array, object or LuaTable it is. */
function shape(v: Value): unknown {
  if (typeof v !== "object" || v instanceof Uint8Array) return "scalar";
  const kind = Array.isArray(v) ? "array" : v instanceof LuaTable ? "LuaTable" : "object";
  const fields = Array.from(tablePairs(v as never) as Iterable<[unknown, Value]>, ([key, item]) => [`${typeof key}:${String(key)}`, shape(item)] as const);
  // pairs in key order: LuaTables keep insertion order, which reading need not reproduce
  return [kind, fields.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))];
}
import { value, withElementsAsTables } from "./arbitraries.js";

describe("lua codec round trip (property)", () => {
  it("parse(serialize(v)) equals v, Elements read back as their tables", () => {
    fc.assert(
      fc.property(value, (v) => {
        const text = serializeDatFile(v);
        assert.ok(/^[\t\n\x20-\x7e]*$/.test(text), "output is printable ASCII");
        const back = parseDatFile(Buffer.from(text, "latin1"), "t.dat");
        assert.ok(back !== undefined && valuesEqual(back, withElementsAsTables(v)), `${text}`);
      }),
      { numRuns: 400 },
    );
  });

  it("tables come back in the canonical shape tableFromPairs gives", () => {
    fc.assert(
      fc.property(value, (v) => {
        const back = parseDatFile(Buffer.from(serializeDatFile(v), "latin1"), "t.dat")!;
        assert.deepEqual(shape(back), shape(normalizeValue(withElementsAsTables(v))));
      }),
      { numRuns: 300 },
    );
  });

  it("writing what was read gives the same text", () => {
    const reread = (text: string): Value => parseDatFile(Buffer.from(`return ${text}`, "latin1"), "t.dat")!;
    fc.assert(
      fc.property(value, (v) => {
        const first = serializeValue(v);
        const second = serializeValue(reread(first));
        // Elements come back as tables written in the same shape; the difference allowed is
        // Lua's own: -9223372036854775808 reads back as a float. (-0 is written "-0.0", which
        // reads back as -0; Prosody's "-0" would read back as the integer 0.)
        const luaChanges = first.includes("-9223372036854775808");
        if (!luaChanges) assert.equal(second, serializeValue(withElementsAsTables(v)));
        assert.equal(serializeValue(reread(second)), second);
      }),
      { numRuns: 200 },
    );
  });

  it("list items read back in order with offsets covering the file, and scans agree", () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 6 }), (values) => {
        const items = values.map((v, i) => LuaTable.from({ key: `k${i}`, when: i }, [["value", v]]));
        const texts = items.map((item) => serializeListItem(item));
        const file = Buffer.from(texts.join(""), "latin1");
        const parsed = parseListItems(file, "a.list");
        assert.equal(parsed.torn, undefined);
        assert.equal(parsed.items.length, items.length);
        let offset = 0;
        parsed.items.forEach((item, i) => {
          assert.equal(item.start, offset);
          offset += texts[i].length;
          assert.equal(item.end, offset);
          assert.ok(valuesEqual(item.value, withElementsAsTables(items[i])));
        });
        const scanned = scanListItems(file, "a.list", ["when", "value", "key"]);
        scanned.items.forEach((item, i) => {
          assert.deepEqual([item.start, item.end], [parsed.items[i].start, parsed.items[i].end]);
          assert.equal(item.values[0], i);
          assert.ok(valuesEqual(item.values[1] as Value, withElementsAsTables(values[i])));
          assert.equal(item.values[2], `k${i}`);
        });
      }),
      { numRuns: 150 },
    );
  });

  it("a list cut anywhere gives the complete items and a torn tail", () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 2, maxLength: 4 }), fc.double({ min: 0, max: 1, noNaN: true }), (values, where) => {
        const texts = values.map((v) => serializeListItem(LuaTable.from({ v: 1 }, [["x", v]])));
        const whole = texts.join("");
        const lastStart = whole.length - texts[texts.length - 1].length;
        // cut inside the last item, before its closing ");"
        const cut = lastStart + 1 + Math.floor(where * (texts[texts.length - 1].length - 4));
        const parsed = parseListItems(Buffer.from(whole.slice(0, cut), "latin1"), "a.list");
        assert.equal(parsed.items.length, values.length - 1);
        assert.equal(parsed.torn?.start, lastStart);
      }),
      { numRuns: 150 },
    );
  });
});
