/** fast-check generators of storable values, shared by the Lua codec's property tests. */
import fc from "fast-check";
import { Element } from "ltx";
import { tableFromElement } from "../../../src/format/lua/index.js";
import { LuaTable, normalizeValue, tableFromPairs, tablePairs, type LuaKey, type Value } from "../../../src/values/index.js";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const text = fc.string({ unit: "binary", maxLength: 12 }).filter((s) => s.isWellFormed());
const bytes = fc.uint8Array({ maxLength: 8 });
const int64 = fc.oneof(fc.bigInt({ min: INT64_MIN, max: INT64_MAX }), fc.constantFrom(INT64_MIN, INT64_MAX, 2n ** 53n, -(2n ** 53n) - 1n));
const number = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0.1, 1 / 3, 1e-310, 2 ** 63, -(2 ** 63), 1e17, 123456789012345680, 100000000000000.0625),
);

/**
 * Lua turns an integral float key into the integer key, which the value model spells as a
 * bigint beyond 2^53; LuaTable's key identity does not do that conversion itself (a number
 * key 2^53 and a bigint key 2n**53n are different LuaTable keys), so keys are generated in
 * the form the parser gives them.
 */
function luaKeyForm(key: number): number | bigint {
  return Number.isInteger(key) && !Number.isSafeInteger(key) && Math.abs(key) <= 2 ** 63 && key !== 2 ** 63 ? BigInt(key) : key;
}

export const luaKey: fc.Arbitrary<LuaKey> = fc.oneof(
  text,
  fc.integer({ min: -3, max: 8 }),
  fc.boolean(),
  fc.double({ noNaN: true }).map(luaKeyForm),
  int64,
  bytes,
);

const scalar: fc.Arbitrary<Value> = fc.oneof(text, number, int64, fc.boolean(), bytes);

// QNames: XML with namespaces refuses anything else (see src/values/xml-chars.ts).
const xmlName = fc.stringMatching(/^[a-z][a-z0-9-]{0,4}(:[a-z][a-z0-9-]{0,3})?$/);
const xmlText = fc.string({ maxLength: 10 }).filter((s) => s.isWellFormed());

/** Elements as ltx builds them, text and attributes included. */
export const element: fc.Arbitrary<Element> = fc.letrec<{ element: Element }>((tie) => ({
  element: fc
    .tuple(
      xmlName,
      fc.dictionary(xmlName, xmlText, { maxKeys: 3 }),
      fc.array(fc.oneof({ depthSize: "small" }, xmlText, tie("element")), { maxLength: 3 }),
    )
    .map(([name, attrs, children]) => {
      const node = new Element(name, attrs);
      for (const child of children) {
        if (typeof child !== "string") child.parent = node;
        node.children.push(child);
      }
      return node;
    }),
})).element;

/** Any storable value, normalized (canonical shapes, as stores hold them). */
export const value: fc.Arbitrary<Value> = fc
  .letrec<{ value: Value; array: Value[]; object: Record<string, Value>; table: LuaTable }>((tie) => ({
    value: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, tie("array"), tie("object"), tie("table"), element),
    array: fc.array(tie("value"), { maxLength: 4 }),
    object: fc.dictionary(text, tie("value"), { maxKeys: 4 }),
    table: fc.array(fc.tuple(luaKey, tie("value")), { maxLength: 4 }).map((pairs) => new LuaTable(pairs)),
  }))
  .value.map((v) => normalizeValue(v));

/** What a value reads back as from Lua: Elements become their preserialized tables. */
export function withElementsAsTables(v: Value): Value {
  if (v instanceof Element) return withElementsAsTables(tableFromElement(v));
  if (typeof v !== "object" || v instanceof Uint8Array) return v;
  const pairs: Array<[LuaKey, Value]> = [];
  for (const [key, item] of tablePairs(v)) pairs.push([key, withElementsAsTables(item)]);
  return tableFromPairs(pairs);
}
