import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { Element, parse } from "ltx";
import { canonicalXml } from "../../../src/format/xml/canonical.js";
import { elementsEqual } from "../../../src/values/index.js";
import { elementArb } from "./arbitraries.js";

test("attributes are sorted and values double-quoted with & < > \" escaped", () => {
  const el = new Element("message", { type: "chat", id: "a&b", to: 'x"<y>', from: "it's" });
  assert.equal(canonicalXml(el), `<message from="it's" id="a&amp;b" to="x&quot;&lt;y&gt;" type="chat"/>`);
});

test("text escapes & < > only, and no white space is added", () => {
  const el = parse(`<message><body>Quotes: 'single' "double" &amp; &lt;cake&gt;\n</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>`);
  assert.equal(
    canonicalXml(el),
    `<message><body>Quotes: 'single' "double" &amp; &lt;cake&gt;\n</body><active xmlns="http://jabber.org/protocol/chatstates"/></message>`,
  );
});

test("an xmlns equal to the inherited namespace is omitted, a different one kept", () => {
  const el = parse(`<iq xmlns="jabber:client"><query xmlns="jabber:client"><item xmlns="jabber:iq:roster"><group xmlns="jabber:iq:roster"/></item></query></iq>`);
  assert.equal(canonicalXml(el), `<iq xmlns="jabber:client"><query><item xmlns="jabber:iq:roster"><group/></item></query></iq>`);
});

test("elements without children, or with only empty text, are self-closed", () => {
  const el = new Element("x", { b: "2", a: "1" });
  el.children.push("");
  assert.equal(canonicalXml(el), `<x a="1" b="2"/>`);
  assert.equal(canonicalXml(new Element("y")), "<y/>");
});

test("prefixed attributes are kept as written, null/undefined attributes skipped", () => {
  const el = new Element("body", { "xml:lang": "en", id: undefined, stamp: null } as never);
  el.children.push("hi");
  assert.equal(canonicalXml(el), `<body xml:lang="en">hi</body>`);
});

test("attribute order is by UTF-16 code units", () => {
  const el = new Element("x", { b: "", B: "", "xml:lang": "", a1: "", a: "" });
  assert.equal(canonicalXml(el), `<x B="" a="" a1="" b="" xml:lang=""/>`);
});

test("property: parse(canonicalXml(e)) equals e, and canonicalisation is idempotent", () => {
  fc.assert(
    fc.property(elementArb(3), (el) => {
      const text = canonicalXml(el);
      const back = parse(text);
      assert.ok(elementsEqual(back, el), `${text} did not round-trip`);
      assert.equal(canonicalXml(back), text);
    }),
    { numRuns: 300 },
  );
});
