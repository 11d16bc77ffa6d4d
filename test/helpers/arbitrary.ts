import fc from "fast-check";
import { Element } from "ltx";
import { LuaTable, type LuaKey, type Value } from "../../src/values/index.js";

/** Well-formed strings (no lone surrogates), sometimes non-ASCII. */
export const arbitraryText = fc.string({ unit: "grapheme", maxLength: 12 });

const arbitraryNumber = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: false }),
  fc.constantFrom(0.1, 1 / 3, -0.5, 1e300, 5e-324, Number.MAX_SAFE_INTEGER),
);
const arbitraryInt64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).filter((n) => !Number.isSafeInteger(Number(n)));
/** Byte strings that are not valid UTF-8 (a lone 0xff makes sure of it). */
const arbitraryBytes = fc.uint8Array({ maxLength: 8 }).map((bytes) => Uint8Array.from([...bytes, 0xff]));

const arbitraryKey: fc.Arbitrary<LuaKey> = fc.oneof(
  { weight: 5, arbitrary: arbitraryText },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.integer({ min: -5, max: 20 }) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
);

const arbitraryElement: fc.Arbitrary<Element> = fc.letrec<{ el: Element }>((tie) => ({
  el: fc
    .record({
      name: fc.constantFrom("message", "body", "x", "item", "entry"),
      attrs: fc.dictionary(fc.constantFrom("type", "id", "to", "from", "xmlns", "xml:lang"), arbitraryText, { maxKeys: 3 }),
      children: fc.array(fc.oneof({ weight: 2, arbitrary: arbitraryText.filter((s) => s !== "") }, { weight: 1, arbitrary: tie("el") }), {
        maxLength: 3,
        depthIdentifier: "xml",
      }),
    })
    .map(({ name, attrs, children }) => {
      const el = new Element(name, attrs);
      for (const child of children) {
        if (typeof child === "string") el.t(child);
        else el.cnode(child);
      }
      return el;
    }),
})).el;

/** Arbitrary stored values: every shape of the value model, nested. */
export function arbitraryValue(options: { elements?: boolean; bytes?: boolean } = {}): fc.Arbitrary<Value> {
  const leaves: Array<fc.Arbitrary<Value>> = [arbitraryText, arbitraryNumber, fc.boolean(), arbitraryInt64];
  if (options.bytes !== false) leaves.push(arbitraryBytes);
  if (options.elements !== false) leaves.push(arbitraryElement);
  return fc.letrec<{ value: Value }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      ...leaves,
      fc.array(tie("value"), { maxLength: 4 }),
      fc.dictionary(arbitraryText, tie("value"), { maxKeys: 4 }),
      fc.array(fc.tuple(arbitraryKey, tie("value")), { maxLength: 4 }).map((pairs) => new LuaTable(pairs)),
    ),
  })).value;
}

/** Arbitrary top-level keyval data: always a table. */
export function arbitraryTable(options: { elements?: boolean; bytes?: boolean } = {}): fc.Arbitrary<Value> {
  return fc.dictionary(arbitraryText, arbitraryValue(options), { maxKeys: 5 });
}
