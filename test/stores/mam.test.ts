import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Element } from "ltx";
import { finElement, parseMamQuery, planMamQuery } from "../../src/stores/mam.js";
import { StorageError } from "../../src/errors.js";

function queryElement(fields: Record<string, string | string[]>, set?: (set: Element) => void): Element {
  const query = new Element("query", { xmlns: "urn:xmpp:mam:2", queryid: "q1" });
  const form = query.c("x", { xmlns: "jabber:x:data", type: "submit" });
  form.c("field", { var: "FORM_TYPE", type: "hidden" }).c("value").t("urn:xmpp:mam:2");
  for (const [name, values] of Object.entries(fields)) {
    const field = form.c("field", { var: name });
    for (const value of [values].flat()) field.c("value").t(value);
  }
  if (set) set(query.c("set", { xmlns: "http://jabber.org/protocol/rsm" }));
  return query;
}

describe("XEP-0313 query helper", () => {
  it("reads the data form and the RSM set", () => {
    const query = queryElement({ with: "juliet@capulet.lit", start: "2010-06-07T00:00:00Z", end: "2010-07-07T13:23:54.5+02:00", ids: ["a", "b"] }, (set) => {
      set.c("max").t("10");
      set.c("before");
    });
    query.c("flip-page");
    assert.deepEqual(parseMamQuery(query), {
      with: "juliet@capulet.lit",
      start: 1275868800,
      end: 1278501834.5,
      ids: ["a", "b"],
      rsm: { max: 10, before: true },
      flipPage: true,
    });
  });

  it("rejects a wrong FORM_TYPE, bad dates and bad max", () => {
    const wrongType = new Element("query", { xmlns: "urn:xmpp:mam:2" });
    wrongType.c("x", { xmlns: "jabber:x:data" }).c("field", { var: "FORM_TYPE" }).c("value").t("urn:xmpp:mam:1");
    for (const bad of [wrongType, queryElement({ start: "yesterday" }), queryElement({}, (set) => set.c("max").t("ten")), new Element("query")]) {
      assert.throws(() => parseMamQuery(bad), (error: unknown) => error instanceof StorageError && error.condition === "invalid-input");
    }
  });

  it("plans archive queries as mod_mam does", () => {
    assert.deepEqual(planMamQuery({}), { query: { limit: 21, reverse: false, total: true }, max: 20, reverse: false, flip: false });
    const backwards = planMamQuery({ rsm: { max: 5, before: "id9" }, afterId: "id1" }, { includeTotal: false });
    assert.deepEqual(backwards, { query: { limit: 6, before: "id9", after: "id1", reverse: true, total: false }, max: 5, reverse: true, flip: true });
    assert.equal(planMamQuery({ rsm: { max: 0 } }, { includeTotal: false }).query.total, true, "max 0 asks for the count");
    assert.equal(planMamQuery({ rsm: { max: 1000 } }, { maxMax: 50 }).max, 50);
  });

  it("builds the <fin/> element", () => {
    const fin = finElement({ items: [], first: "a", last: "b", complete: true, count: 2 });
    assert.equal(
      fin.toString(),
      '<fin xmlns="urn:xmpp:mam:2" complete="true"><set xmlns="http://jabber.org/protocol/rsm"><first>a</first><last>b</last><count>2</count></set></fin>',
    );
    assert.equal(finElement({ items: [], complete: false }).attrs.complete, undefined);
  });
});
