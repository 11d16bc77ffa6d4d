import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { saslprep } from "../../src/stores/saslprep.js";
import { needService } from "../helpers/services.js";
import { prosodyLuaAvailable, runLuaScript } from "./lua.js";

/** Strings that exercise each SASLprep table; the expected results are Prosody's. */
const CASES = [
  "user", "I\u00ADX", "\u00AA", "\u2168", "a\u00A0b", "a\u200Bb", "a\u3000b", "\uFF21", "caf\u0065\u0301",
  "\u0007", "a\u0085b", "\uE000", "\uFDD0", "\uFFFD", "\u2FF0", "a\u200Eb", "\u{E0001}", "\u{1D173}",
  "\u0627\u0031", "\u0627\u0031\u0628", "\u0627b\u0628", "\u05D0\u05D1", "\uFB01", "x\uFE0Fy", "\u0378", "",
  "p\u00e4ss w\u00f6rd", "\u{1F600}", "\u2028", "\u0340", "\u06DD", "\u180E",
];

async function prosodySaslprep(inputs: string[]): Promise<Array<string | undefined>> {
  const lines = await runLuaScript("saslprep", "prep", inputs);
  return lines.map((line) => (line === "nil" ? undefined : Buffer.from(line.slice(1), "hex").toString("utf8")));
}

describe("SASLprep", () => {
  it("maps, normalises and prohibits as RFC 4013 says", () => {
    assert.equal(saslprep("I\u00ADX"), "IX");
    assert.equal(saslprep("user"), "user");
    assert.equal(saslprep("USER"), "USER");
    assert.equal(saslprep("\u00AA"), "a");
    assert.equal(saslprep("\u2168"), "IX");
    assert.equal(saslprep("\u0007"), undefined);
    assert.equal(saslprep("\u0627\u0031"), undefined);
  });

  it("agrees with Prosody's libidn SASLprep on every table", async (t) => {
    if (!needService(t, "Prosody's Lua libraries", prosodyLuaAvailable)) return;
    const expected = await prosodySaslprep(CASES);
    for (const [index, input] of CASES.entries()) {
      assert.equal(saslprep(input), expected[index], `SASLprep of ${JSON.stringify(input)}`);
    }
  });

  it("agrees with Prosody on random Latin, Greek and symbol text", async (t) => {
    if (!needService(t, "Prosody's Lua libraries", prosodyLuaAvailable)) return;
    const char = fc.oneof(
      fc.integer({ min: 0x20, max: 0x24f }),
      fc.integer({ min: 0x370, max: 0x3ff }), fc.integer({ min: 0x590, max: 0x6ff }), fc.integer({ min: 0x1e00, max: 0x1fff }), fc.integer({ min: 0x3000, max: 0x33ff }), fc.integer({ min: 0xfb00, max: 0xfeff }),
      fc.integer({ min: 0x2000, max: 0x206f }),
      fc.integer({ min: 0xff01, max: 0xff5e }),
    );
    const inputs = fc.sample(fc.array(char, { minLength: 1, maxLength: 6 }), { numRuns: 3000, seed: 4013 })
      .map((codes) => String.fromCodePoint(...codes));
    const expected = await prosodySaslprep(inputs);
    for (const [index, input] of inputs.entries()) {
      assert.equal(saslprep(input), expected[index], `SASLprep of ${JSON.stringify(input)}`);
    }
  });
});
