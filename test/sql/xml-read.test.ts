import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { Element, parse } from "ltx";
import { readStanza } from "../../src/backends/sql/xml-read.js";
import { stanzaToXml } from "../../src/backends/sql/xml-text.js";
import { elementsEqual } from "../../src/values/index.js";

const text = fc.string({ unit: fc.constantFrom("a", "Z", " ", "\t", "\n", "\r", "&", "<", ">", "'", '"', "é", "🎉", ";", "#") });
const name = fc.constantFrom("message", "body", "x", "ns1:item", "a-b", "a.b");
const attrs = fc.dictionary(fc.constantFrom("id", "type", "xmlns", "to", "from", "xml:lang", "data-x"), text, { maxKeys: 4 });
const element: fc.Arbitrary<Element> = fc.letrec<{ el: Element }>((tie) => ({
  el: fc
    .tuple(name, attrs, fc.array(fc.oneof({ weight: 2, arbitrary: text }, { weight: 1, arbitrary: tie("el") }), { maxLength: 4 }))
    .map(([n, a, children]) => {
      const el = new Element(n, a);
      for (const child of children) el.children.push(typeof child === "string" ? child : Object.assign(child, { parent: el }));
      return el;
    }),
})).el;

describe("fast stanza reader", () => {
  it("reads what stanzaToXml writes exactly as written", () => {
    fc.assert(fc.property(element, (el) => elementsEqual(readStanza(stanzaToXml(el)), el)), { numRuns: 300 });
  });

  it("reads ltx's own serialisation as ltx does", () => {
    fc.assert(fc.property(element, (el) => elementsEqual(readStanza(el.toString()), parse(el.toString()))), { numRuns: 300 });
  });

  it("hands comments, CDATA and processing instructions to ltx", () => {
    const xml = "<?xml version='1.0'?><message><!-- note --><body><![CDATA[<raw> & text]]></body></message>";
    assert.ok(elementsEqual(readStanza(xml), parse(xml)));
    assert.equal(readStanza("<a x=\"double 'quoted'\">&#x1F389;&#233;</a>").getText(), "🎉é");
  });

  it("rejects what is not one well-formed element", () => {
    for (const bad of ["", "text", "<a>", "<a></b>"]) assert.throws(() => readStanza(bad), bad);
  });
});
