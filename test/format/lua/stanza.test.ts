import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { Element } from "ltx";
import {
  elementFromTable,
  parseDatFile,
  parseListItems,
  parseStanzaItems,
  serializeListItem,
  serializeValue,
  tableFromElement,
} from "../../../src/format/lua/index.js";
import { StorageError } from "../../../src/errors.js";
import { LuaTable, elementsEqual, valuesEqual } from "../../../src/values/index.js";
import { element } from "./arbitraries.js";
import { ARCHIVE_ITEM } from "./samples.js";


describe("preserialized stanza tables", () => {
  it("tableFromElement gives st.preserialize's shape", () => {
    const message = new Element("message", { xmlns: "jabber:client", to: "a@b" });
    message.c("body").t("hi");
    const table = tableFromElement(message);
    assert.ok(table instanceof LuaTable);
    const body = new LuaTable([[1, "hi"], ["name", "body"], ["attr", {}]]);
    assert.ok(valuesEqual(table, new LuaTable([[1, body], ["name", "message"], ["attr", { xmlns: "jabber:client", to: "a@b" }]])));
    assert.deepEqual(tableFromElement(new Element("x")), { name: "x", attr: {} });
  });

  it("elementFromTable reads the facts file's archive item", () => {
    const item = parseListItems(Buffer.from(ARCHIVE_ITEM), "a.list").items[0].value;
    const stanza = elementFromTable(item);
    assert.equal(
      stanza.toString(),
      '<message id="7mVmx7YNHBxhO2gtNW7fS-ym" from="romeo@montague.example/web-3f2a" type="chat" stamp="2023-10-03T09:30:08Z" to="alice@example.com"><body>Quotes: \'single\' "double" `back`</body></message>',
    );
  });

  it("follows st.deserialize: children up to the first gap, odd values skipped or stringified", () => {
    const table = parseDatFile(
      Buffer.from(`return { "a", 5, { name = "b", attr = { n = 1, t = true, x = {}, [1] = "no" } }, "\\255", nil, "lost"; name = "r", attr = {} }`),
      "t.dat",
    )!;
    const stanza = elementFromTable(table);
    assert.equal(stanza.children.length, 3);
    assert.equal(stanza.children[0], "a");
    assert.deepEqual((stanza.children[1] as Element).attrs, { n: "1", t: "true" });
    assert.equal(stanza.children[2], "\ufffd");
  });

  it("rejects tables that are not stanzas", () => {
    const fails = (value: unknown, pattern: RegExp) =>
      assert.throws(() => elementFromTable(value as never, "archive item 3"), (error: unknown) => error instanceof StorageError && error.condition === "backend-failure" && pattern.test(error.message));
    fails("text", /archive item 3 is not a serialized stanza: not a table/);
    fails({ attr: {} }, /no string 'name'/);
    fails({ name: "x" }, /no table 'attr'/);
    fails(new LuaTable([[1, { name: "y" }], ["name", "x"], ["attr", {}]]), /archive item 3\[1\] is not a serialized stanza: no table 'attr'/);
  });

  it("round-trips any element (property)", () => {
    fc.assert(
      fc.property(element, (el) => {
        assert.ok(elementsEqual(elementFromTable(tableFromElement(el)), el));
        assert.equal(serializeValue(el), serializeValue(tableFromElement(el)));
      }),
      { numRuns: 300 },
    );
  });
});

describe("parseStanzaItems", () => {
  it("reads archive items as stanzas with their fields", () => {
    const file = Buffer.from(ARCHIVE_ITEM + "item(nil);\n" + ARCHIVE_ITEM.replace("1696325408", "1696325409"));
    const { items, torn } = parseStanzaItems(file, "a.list");
    assert.equal(torn, undefined);
    assert.equal(items.length, 2);
    assert.deepEqual(items[0].fields, { key: "NmmB2o0UaQtrdQSl_9rGrP-N", when: 1696325408, with: "romeo@montague.example" });
    assert.equal(items[1].fields.when, 1696325409);
    const generic = parseListItems(file, "a.list").items;
    assert.deepEqual(items.map((item) => [item.start, item.end]), generic.map((item) => [item.start, item.end]));
    assert.ok(elementsEqual(items[0].stanza, elementFromTable(generic[0].value)));
  });

  it("agrees with parseListItems + elementFromTable on any stanza (property)", () => {
    fc.assert(
      fc.property(fc.array(element, { minLength: 1, maxLength: 4 }), (elements) => {
        const file = Buffer.from(
          elements
            .map((el, i) => {
              const table = tableFromElement(el) as LuaTable;
              const item = table instanceof LuaTable ? table : LuaTable.from(table);
              return serializeListItem(item.set("key", `k${i}`).set("when", i));
            })
            .join(""),
          "latin1",
        );
        const { items } = parseStanzaItems(file, "a.list");
        assert.equal(items.length, elements.length);
        items.forEach((item, i) => {
          assert.ok(elementsEqual(item.stanza, elements[i]));
          assert.deepEqual(item.fields, { key: `k${i}`, when: i });
        });
      }),
      { numRuns: 200 },
    );
  });

  it("fails on items that are not stanzas and reports torn tails", () => {
    assert.throws(() => parseStanzaItems(Buffer.from('item({ key = "x" });\n'), "archive/bob.list"), /cannot parse archive\/bob\.list: item is not a serialized stanza at line 1/);
    const torn = parseStanzaItems(Buffer.from(ARCHIVE_ITEM + ARCHIVE_ITEM.slice(0, 40)), "a.list");
    assert.equal(torn.items.length, 1);
    assert.equal(torn.torn?.start, ARCHIVE_ITEM.length);
  });
});
