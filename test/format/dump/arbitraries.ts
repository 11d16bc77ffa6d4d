// fast-check generators for the value model, shared by the dump codec tests.
import fc from "fast-check";
import { Element } from "ltx";
import { LuaTable, normalizeValue, type LuaKey, type Value } from "../../../src/values/index.js";

/** Text that any XML parser gives back unchanged: no control characters, no CR. */
export const xmlText = fc.string({
  unit: fc.oneof(
    fc.constantFrom("a", "Z", "0", " ", "\n", "&", "<", ">", '"', "'", ";", "ü", "用", "😀", "]]>"),
    fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }),
  ),
  maxLength: 12,
});

const elementName = fc.constantFrom("message", "body", "x", "item", "entry", "stream:features");
const attrName = fc.constantFrom("id", "type", "to", "from", "xml:lang", "jid", "a", "B", "z-z");
const namespaces = fc.constantFrom("jabber:client", "urn:xmpp:mam:2", "http://jabber.org/protocol/pubsub", "storage:bookmarks");

/** Elements whose xmlns attributes are never redundant (the canonical form drops those). */
export function elementArb(depth = 3, parentNs?: string): fc.Arbitrary<Element> {
  return fc
    .record({
      name: elementName,
      attrs: fc.dictionary(attrName, xmlText, { maxKeys: 3 }),
      ns: fc.option(namespaces.filter((ns) => ns !== parentNs), { nil: undefined }),
      seed: fc.integer(),
    })
    .chain(({ name, attrs, ns }) => {
      const effective = ns ?? parentNs;
      const child: fc.Arbitrary<Element | string> =
        depth > 0 ? fc.oneof(xmlText, elementArb(depth - 1, effective)) : xmlText;
      return fc.array(child, { maxLength: 3 }).map((children) => {
        const element = new Element(name, ns === undefined ? attrs : { ...attrs, xmlns: ns });
        for (const c of children) {
          if (typeof c !== "string") c.parent = element;
          element.children.push(c);
        }
        return element;
      });
    });
}

const keyArb: fc.Arbitrary<LuaKey> = fc.oneof(
  fc.boolean(),
  fc.integer({ min: -3, max: 12 }),
  fc.double({ noNaN: true }),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.constantFrom("9", "10", "$xml", "$table", "", "a", "__proto__", "ü"),
  fc.string({ unit: "binary", maxLength: 6 }),
);

const scalarArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.double(),
  fc.integer(),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.boolean(),
  fc.uint8Array({ maxLength: 8 }).map((bytes) => Uint8Array.from([0xff, ...bytes])),
  fc.uint8Array({ maxLength: 8 }),
);

const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalarArb,
    elementArb(2),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(keyArb.filter((k): k is string => typeof k === "string"), tie("value"), { maxKeys: 4 }),
    fc.array(fc.tuple(keyArb, tie("value")), { maxLength: 4 }).map((pairs) => new LuaTable(pairs as Array<[LuaKey, Value]>)),
  ),
}));

/** Any storable value, in canonical form. */
export const valueArb: fc.Arbitrary<Value> = value.map((v) => normalizeValue(v));
