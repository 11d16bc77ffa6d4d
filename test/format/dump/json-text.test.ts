import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { JsonTextWriter, canonicalJsonText } from "../../../src/format/dump/json-text.js";
import { encodeDumpValue, type DumpJson } from "../../../src/format/dump/value.js";
import { valueArb } from "./arbitraries.js";

function sortedDeep(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(sortedDeep);
  if (x && typeof x === "object") {
    return Object.fromEntries(Object.keys(x).sort().map((k) => [k, sortedDeep((x as Record<string, unknown>)[k])]));
  }
  return x;
}

/** Streams a document container by container, the way the CLI writes a dump. */
async function streamed(value: DumpJson, chunkEvery = 1): Promise<string> {
  const chunks: string[] = [];
  const writer = new JsonTextWriter(async (chunk) => {
    await Promise.resolve();
    chunks.push(chunk);
  });
  let steps = 0;
  async function walk(v: DumpJson, key?: string): Promise<void> {
    if (++steps % chunkEvery === 0) await writer.flush();
    if (Array.isArray(v)) {
      writer.openArray(key);
      for (const item of v) await walk(item);
      writer.close();
    } else if (v !== null && typeof v === "object" && steps % 2 === 0) {
      writer.openObject(key);
      for (const k of Object.keys(v).sort()) await walk(v[k], k);
      writer.close();
    } else {
      writer.value(v, key);
    }
  }
  await walk(value);
  await writer.end();
  return chunks.join("");
}

test("layout is JSON.stringify(x, null, 2) with a final newline", () => {
  const doc = { format: "xmppstore-dump/1", hosts: { "example.com": { empty: [], keyval: { roster: { alice: [1, 2.5, "x"], bob: {} } } } } };
  assert.equal(canonicalJsonText(doc), JSON.stringify(doc, null, 2) + "\n");
});

test("integer-like keys are sorted by code units: \"10\" before \"9\"", () => {
  const text = canonicalJsonText({ "9": 1, "10": 2, a: 3, B: 4 });
  assert.equal(text, '{\n  "10": 2,\n  "9": 1,\n  "B": 4,\n  "a": 3\n}\n');
  assert.notEqual(text, JSON.stringify({ "9": 1, "10": 2, a: 3, B: 4 }, null, 2) + "\n");
});

test("keys sort by UTF-16 code units, not code points", () => {
  const text = canonicalJsonText({ "\uffff": 1, "😀": 2 });
  assert.ok(text.indexOf("😀") < text.indexOf("\uffff"));
});

test("numbers are String(n); non-finite numbers and null are refused", () => {
  assert.equal(canonicalJsonText([1e21, 0.1, -0, 5e-7]), "[\n  1e+21,\n  0.1,\n  0,\n  5e-7\n]\n");
  assert.throws(() => canonicalJsonText(Infinity), TypeError);
  assert.throws(() => canonicalJsonText({ a: null } as never), TypeError);
});

test("the streaming writer checks key order and structure", async () => {
  const writer = new JsonTextWriter(() => undefined);
  writer.openObject();
  writer.value(1, "b");
  assert.throws(() => writer.value(2, "a"), /canonical order/);
  assert.throws(() => writer.value(2), /needs a key/);
  writer.openArray("c");
  assert.throws(() => writer.value(2, "k"), /no key/);
  writer.close();
  await assert.rejects(writer.end(), /not complete/);
  writer.close();
  assert.throws(() => writer.close(), /nothing open/);
  await writer.end();
});

test("streamed text equals the one-shot text, with empty containers", async () => {
  const doc: DumpJson = { "9": [], "10": {}, a: [{}, [], [[]], { x: { y: [] } }], b: "\n\"" };
  assert.equal(await streamed(doc), canonicalJsonText(doc));
});

test("property: streamed and one-shot texts are identical and parse back", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(valueArb, { maxLength: 4 }), fc.integer({ min: 1, max: 5 }), async (values, every) => {
      const doc = { items: values.map(encodeDumpValue), n: values.length } as DumpJson;
      const text = canonicalJsonText(doc);
      assert.equal(await streamed(doc, every), text);
      assert.ok(text.endsWith("}\n"));
      assert.equal(JSON.stringify(sortedDeep(JSON.parse(text)), null, 2), JSON.stringify(sortedDeep(doc), null, 2));
    }),
    { numRuns: 200 },
  );
});
