import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { Element, LuaTable, StorageManager, elementFromTable, tableFromElement, valuesEqual, type Value } from "../../src/index.js";
import { StorageError } from "../../src/errors.js";
import { element } from "./lua/arbitraries.js";

type Shape = { name: string; attrs: Array<[string, string]>; children: Array<string | Shape> };

/** Everything an element holds, text node boundaries and attribute order included. */
function shape(el: Element): Shape {
  return {
    name: el.name,
    attrs: Object.entries(el.attrs).map(([key, value]) => [key, String(value)]),
    children: el.children.map((child) => (typeof child === "string" ? child : shape(child as Element))),
  };
}

/** Elements with odd attribute names and text split into several nodes. */
const oddElement = fc
  .tuple(element, fc.constantFrom("__proto__", "constructor", "xml:lang", "urn:x\u0001id"), fc.string({ maxLength: 5 }))
  .map(([el, key, value]) => {
    Object.defineProperty(el.attrs, key, { value, enumerable: true, writable: true, configurable: true });
    el.children.push("", "split ", "text");
    return el;
  });

describe("serialized stanza tables (exported helpers)", () => {
  it("Element → table → Element loses nothing (property)", () => {
    fc.assert(
      fc.property(fc.oneof(element, oddElement), (el) => {
        assert.deepStrictEqual(shape(elementFromTable(tableFromElement(el))), shape(el));
      }),
      { numRuns: 400 },
    );
  });

  it("table → Element → table loses nothing for st.preserialize's tables (property)", () => {
    fc.assert(
      fc.property(fc.oneof(element, oddElement), (el) => {
        const table = tableFromElement(el);
        assert.ok(valuesEqual(tableFromElement(elementFromTable(table)), table));
      }),
      { numRuns: 400 },
    );
  });

  it("reads the LuaTable a keyval store gives back, and says what is not a stanza", async () => {
    const sm = new StorageManager({ storage: "memory" });
    try {
      const kv = await sm.open("example.com", "vcard");
      const vcard = new Element("vCard", { xmlns: "vcard-temp" }).c("FN").t("Juliet").up().c("NOTE").t("a").t("b").root();
      await kv.set("juliet", tableFromElement(vcard));
      const stored = (await kv.get("juliet")) as Value;
      assert.ok(stored instanceof LuaTable, "a table with name, attr and children comes back as a LuaTable");
      assert.deepStrictEqual(shape(elementFromTable(stored)), shape(vcard));
      assert.throws(
        () => elementFromTable({ attr: {} }, "my table", { condition: "invalid-input" }),
        (error: unknown) => error instanceof StorageError && error.condition === "invalid-input" && /my table is not a serialized stanza/.test(error.message),
      );
    } finally {
      await sm.close();
    }
  });
});
