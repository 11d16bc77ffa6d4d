// Values cross the Lua boundary exactly: whatever xmppstore's value model can hold goes into
// Prosody and comes back equal (except where a Prosody backend itself loses data: then the test
// shows Prosody's own behaviour, as prosody-facts.md describes it).
import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import fc from "fast-check";
import { Element, parse } from "ltx";
import { arbitraryValue } from "../../helpers/arbitrary.js";
import { ProsodyBatch } from "../../helpers/prosody.js";
import { prosodyEnvForTest, type ProsodyEnv, type ProsodyEnvKind } from "../../helpers/prosody-env.js";
import { canonicalXml } from "../../../src/format/xml/canonical.js";
import { LuaTable, normalizeValue, valuesEqual, type Value } from "../../../src/values/index.js";

const HOST = "example.com";

const env = (t: TestContext, kind: ProsodyEnvKind) => prosodyEnvForTest(t, kind, [HOST]);

/** Sets every value (wrapped in a table, as keyval data is) and reads all back in one process. */
async function roundTrip(e: ProsodyEnv, values: Value[]): Promise<Array<Value | undefined>> {
  const p = new ProsodyBatch(e.setup);
  values.forEach((value, i) => void p.keyvalSet(HOST, "values", `u${i}`, { v: value }));
  const back = values.map((_, i) => p.keyvalGet(HOST, "values", `u${i}`));
  await p.run();
  return Promise.all(back);
}

test("internal: any value without stanzas round-trips exactly (property, 4 × 40 values)", async (t) => {
  const e = await env(t, "internal");
  if (!e) return;
  await fc.assert(
    fc.asyncProperty(fc.array(arbitraryValue({ elements: false }), { minLength: 40, maxLength: 40 }), async (raw) => {
      const values = raw.map((v) => normalizeValue(v));
      const back = await roundTrip(e, values);
      values.forEach((value, i) => {
        assert.ok(valuesEqual(back[i]!, { v: value }), `value ${i} changed`);
      });
    }),
    { numRuns: 4 },
  );
});

const awkward: Value[] = [
  "Zoë \"quoted\" 'single' \\ backslash\nnewline\ttab ✓ 用户 😀",
  "x".repeat(20000),
  Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join("") + "\u007f\u0080\u2028\ufeff\uffff",
  new LuaTable([[Uint8Array.from([0xc3, 0x28]), "a key that is not UTF-8"], ["ok", 1]]),
  2n ** 60n,
  -(2n ** 62n),
  -3.25,
  1e-5,
  Number.MAX_SAFE_INTEGER,
  Uint8Array.from([0xff, 0xfe, 0x41, 0x80]),
  new LuaTable([[false, { version: 1, pending: {} }], ["a@b", { groups: { "Ü": true }, subscription: "both" }]]),
  new LuaTable([[1, "a"], [3, "c"], ["name", "n"], [2.5, "float key"], [true, false]]),
  { $xml: "not a marker", $table: [1], "": "empty key", "10": "ten", "9": "nine" },
  [[[["deep"]]], { a: [true, false] }],
  Infinity,
  NaN,
];

test("SQLite: awkward values round-trip exactly (Prosody keeps these)", async (t) => {
  const e = await env(t, "sqlite");
  if (!e) return;
  const values = awkward.filter((v) => typeof v !== "number" || Number.isFinite(v)).map((v) => normalizeValue(v));
  const back = await roundTrip(e, values);
  values.forEach((value, i) => assert.ok(valuesEqual(back[i]!, { v: value }), `value ${i} changed`));
});

test("internal: awkward values including inf and NaN round-trip exactly", async (t) => {
  const e = await env(t, "internal");
  if (!e) return;
  const values = awkward.map((v) => normalizeValue(v));
  const back = await roundTrip(e, values);
  values.forEach((value, i) => assert.ok(valuesEqual(back[i]!, { v: value }), `value ${i} changed`));
});

test("Prosody's own losses show through the harness unchanged", async (t) => {
  const e = await env(t, "sqlite");
  if (!e) return;
  const p = new ProsodyBatch(e.setup);
  void p.keyvalSet(HOST, "lossy", "u", { third: 1 / 3, top: false, nul: "a\u0000b" });
  const back = p.keyvalGet(HOST, "lossy", "u");
  await p.run();
  // %.14g floats, top-level false dropped, NUL truncates (prosody-facts.md, quirks table)
  assert.ok(valuesEqual((await back)!, { third: 0.33333333333333, nul: "a" }));
});

const stanzas = [
  `<message type="chat" to="juliet@example.com" from="romeo@montague.example/x" id="a&amp;b"><body xml:lang="en">Quotes: 'single' "double" &amp; &lt;tag&gt; ✓\nline two</body><active xmlns="http://jabber.org/protocol/chatstates"/></message>`,
  `<entry xmlns="http://www.w3.org/2005/Atom"><title>Post</title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hi <b>there</b></p></div></content></entry>`,
  `<presence/>`,
];

for (const kind of ["internal", "sqlite"] as const) {
  test(`${kind}: stanzas come back as the same XML as archive items`, async (t) => {
    const e = await env(t, kind);
    if (!e) return;
    const p = new ProsodyBatch(e.setup);
    stanzas.forEach((text, i) => void p.archiveAppend(HOST, "archive", "u", { key: `k${i}`, value: parse(text) as Element, when: 1700000000 + i, with: "w" }));
    const found = p.archiveFind(HOST, "archive", "u");
    await p.run();
    const { items } = await found;
    assert.deepEqual(items.map((item) => item.id), ["k0", "k1", "k2"]);
    items.forEach((item, i) => {
      assert.ok(item.value instanceof Element);
      assert.equal(canonicalXml(item.value), canonicalXml(parse(stanzas[i]) as Element));
    });
  });
}

test("SQLite: a stanza under a top-level key is stored as type xml and comes back as a stanza", async (t) => {
  const e = await env(t, "sqlite");
  if (!e) return;
  const p = new ProsodyBatch(e.setup);
  void p.keyvalSet(HOST, "stanzas", "u", { s: parse(stanzas[0]) as Element });
  const back = p.keyvalGet(HOST, "stanzas", "u");
  await p.run();
  const s = ((await back) as { s: Value }).s;
  assert.ok(s instanceof Element);
  assert.equal(canonicalXml(s), canonicalXml(parse(stanzas[0]) as Element));
});
