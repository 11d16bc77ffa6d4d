import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { nameprep, nodeprep, resourceprep, saslprep } from "../../src/index.js";
import { CodePointSet } from "../../src/format/stringprep/code-points.js";
import { A_1, D_1, D_2 } from "../../src/format/stringprep/rfc3454-tables.js";
import { needService } from "../helpers/services.js";
import { prosodyLuaAvailable } from "../stores/lua.js";
import { askProsody, type PrepQuestion, type ProfileName } from "./stringprep/prosody.js";

const PROFILES = { nodeprep, nameprep, resourceprep, saslprep };
const NAMES = Object.keys(PROFILES) as ProfileName[];

/** Our answer to a question, where an input that is not UTF-8 text counts as refused. */
function ours({ profile, strict, input }: PrepQuestion): string | undefined {
  const text = input.toString("utf8");
  if (!Buffer.from(text, "utf8").equals(input)) return undefined;
  return PROFILES[profile](text, { strict });
}

/** Compares every answer and reports the first few differences with their count. */
async function assertSameAsProsody(questions: PrepQuestion[]): Promise<void> {
  const theirs = await askProsody(questions);
  const differences: string[] = [];
  for (const [index, question] of questions.entries()) {
    const mine = ours(question);
    if (mine !== theirs[index]) {
      const shown = JSON.stringify(question.input.toString("utf8"));
      differences.push(`${question.profile}${question.strict ? " strict" : ""}(${shown}): ours ${JSON.stringify(mine)}, Prosody's ${JSON.stringify(theirs[index])}`);
    }
  }
  assert.equal(differences.length, 0, `${differences.length} of ${questions.length} differ:\n${differences.slice(0, 20).join("\n")}`);
}

/** The bytes of one code point alone; a surrogate gets its (invalid) three-byte form. */
function codePointBytes(codePoint: number): Buffer {
  if (codePoint < 0xd800 || codePoint > 0xdfff) return Buffer.from(String.fromCodePoint(codePoint), "utf8");
  return Buffer.from([0xe0 | (codePoint >> 12), 0x80 | ((codePoint >> 6) & 0x3f), 0x80 | (codePoint & 0x3f)]);
}

/** Characters from many scripts and every table: case pairs, combining marks, bidi, mapped, prohibited, unassigned. */
const interestingCodePoint = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 3, arbitrary: fc.integer({ min: 0xa0, max: 0x24f }) },
  { weight: 3, arbitrary: fc.integer({ min: 0x300, max: 0x36f }) }, // combining marks
  { weight: 3, arbitrary: fc.integer({ min: 0x370, max: 0x52f }) }, // Greek, Cyrillic
  { weight: 3, arbitrary: fc.integer({ min: 0x590, max: 0x8ff }) }, // Hebrew, Arabic, Syriac, Thaana, NKo
  { weight: 2, arbitrary: fc.integer({ min: 0x900, max: 0xdff }) }, // Indic
  { weight: 2, arbitrary: fc.integer({ min: 0x1100, max: 0x11ff }) }, // Hangul jamo
  { weight: 2, arbitrary: fc.integer({ min: 0x1e00, max: 0x1fff }) }, // Latin and Greek extended
  { weight: 3, arbitrary: fc.integer({ min: 0x2000, max: 0x2183 }) }, // spaces, controls, letterlike, numbers
  { weight: 2, arbitrary: fc.integer({ min: 0x3000, max: 0x33ff }) }, // CJK symbols, kana, squared
  { weight: 1, arbitrary: fc.integer({ min: 0xac00, max: 0xac40 }) }, // Hangul syllables
  { weight: 2, arbitrary: fc.integer({ min: 0xfb00, max: 0xffff }) }, // presentation forms, halfwidth, specials
  { weight: 1, arbitrary: fc.integer({ min: 0x10000, max: 0x1ffff }) },
  { weight: 1, arbitrary: fc.constantFrom(0xad, 0x34f, 0x200b, 0x2060, 0xfe0f, 0xfeff, 0xdf, 0x3c2, 0x130, 0x1e9e, 0xe0041, 0xfdd0, 0x221, 0x8a0, 0x1d400) },
);

describe("stringprep (nodeprep, nameprep, resourceprep, SASLprep)", () => {
  it("maps as RFC 3454 tables B.1 and B.2 say, and refuses what Prosody refuses", () => {
    assert.equal(nodeprep("Straße"), "strasse");
    assert.equal(nodeprep("ΌΣΟΣ"), "όσοσ"); // final sigma folds like any other
    for (const hidden of ["jul\u00ADiet", "jul\u200Biet", "jul\u2060iet", "juliet\uFE0F", "JULIET"]) {
      assert.equal(nodeprep(hidden), "juliet", JSON.stringify(hidden));
    }
    assert.equal(resourceprep("Straße"), "Straße");
    assert.equal(nameprep("EXAMPLE.com"), "example.com");
    for (const refused of ["a b", "x@y", "\u05D0a", "a\uFDD0", "tag\u{E0041}", "a\u0007"]) {
      assert.equal(nodeprep(refused), undefined, JSON.stringify(refused));
    }
    assert.equal(nodeprep("a\u0221"), "a\u0221"); // unassigned in Unicode 3.2: allowed …
    assert.equal(nodeprep("a\u0221", { strict: true }), undefined); // … unless strict
    assert.equal(nodeprep("a".repeat(1023)), "a".repeat(1023));
    assert.equal(nodeprep("a".repeat(1024)), undefined); // Prosody's 1024-byte buffer
    assert.equal(nodeprep("\uD800"), undefined);
  });

  it("leaves code points Unicode 3.2 did not assign out of NFKC, as ICU does", () => {
    // COMBINING RIGHT ARROWHEAD ABOVE (class 230 today, unassigned in 3.2) before a dot below:
    // today's NFKC would reorder and compose them into U+1EA1, ICU's Unicode 3.2 NFKC does not.
    assert.ok(new CodePointSet(A_1).has(0x350));
    assert.equal("a\u0350\u0323".normalize("NFKC"), "\u1EA1\u0350");
    assert.equal(resourceprep("a\u0350\u0323"), "a\u0350\u0323");
  });

  it("applies the bidi rule with ICU's classes, as Prosody does, not Unicode 3.2's", () => {
    // Braille patterns were ON in Unicode 3.2 (not in D.2), today they are L: between two
    // ARABIC LETTER ALEFs Prosody refuses them.
    assert.equal(new CodePointSet(D_2).has(0x2800), false);
    assert.equal(nodeprep("\u0627\u2800\u0627"), undefined);
    assert.equal(nodeprep("\u0627\u0661\u0627"), "\u0627\u0661\u0627");
    // ARABIC LETTER BEH WITH SMALL V BELOW (U+08A0) was unassigned in 3.2; ICU calls it AL.
    assert.equal(new CodePointSet(D_1).has(0x8a0), false);
    assert.equal(nodeprep("a\u08A0"), undefined);
  });

  it("agrees with Prosody on every BMP code point alone, in every profile", async (t) => {
    if (!needService(t, "Prosody's Lua libraries", prosodyLuaAvailable)) return;
    const questions: PrepQuestion[] = [];
    for (let codePoint = 0; codePoint <= 0xffff; codePoint++) {
      const input = codePointBytes(codePoint);
      for (const profile of NAMES) questions.push({ profile, input });
      questions.push({ profile: "nodeprep", strict: true, input });
    }
    await assertSameAsProsody(questions);
  });

  it("agrees with Prosody on every other code point alone, and on every code point's bidi class", async (t) => {
    if (!needService(t, "Prosody's Lua libraries", prosodyLuaAvailable)) return;
    // Planes 4 to 13 hold nothing but unassigned code points (one sample of them is enough).
    const codePoints = [0x40000, 0xdffff];
    for (let codePoint = 0; codePoint <= 0x10ffff; codePoint++) {
      if (codePoint < 0x40000 || codePoint >= 0xe0000) codePoints.push(codePoint);
    }
    const questions: PrepQuestion[] = [];
    for (const codePoint of codePoints) {
      if (codePoint > 0xffff) questions.push({ profile: "nodeprep", input: codePointBytes(codePoint) });
      if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue;
      const char = String.fromCodePoint(codePoint);
      // Refused between two ALEFs: L; refused after "a": R or AL.
      questions.push({ profile: "resourceprep", input: Buffer.from(`\u0627${char}\u0627`) });
      questions.push({ profile: "resourceprep", input: Buffer.from(`a${char}`) });
    }
    await assertSameAsProsody(questions);
  });

  it("agrees with Prosody on generated strings mixing scripts, combining marks and case", async (t) => {
    if (!needService(t, "Prosody's Lua libraries", prosodyLuaAvailable)) return;
    const strings = fc
      .sample(fc.array(interestingCodePoint, { minLength: 1, maxLength: 8 }), { numRuns: 4000, seed: 3454 })
      .map((codePoints) => String.fromCodePoint(...codePoints));
    // Long strings near Prosody's 1024-byte limits, where mapping can make the result overflow.
    strings.push("ß".repeat(511), "ß".repeat(512), "\uFDFA".repeat(60), "a".repeat(1020) + "\u00DF", "\uFB01".repeat(340));
    const questions = strings.flatMap((text) => NAMES.map((profile) => ({ profile, input: Buffer.from(text, "utf8") })));
    await assertSameAsProsody(questions);
  });
});
