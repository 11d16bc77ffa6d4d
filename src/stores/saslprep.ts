/* eslint-disable no-misleading-character-class -- these classes list code points and ranges, never user-perceived characters */
import { L_CAT, RAND_AL } from "./bidi-tables.js";
import { NEWER_THAN_UNICODE_32 } from "./unicode32.js";

/**
 * SASLprep (RFC 4013, the stringprep profile for user names and passwords), as Prosody applies
 * it (through ICU's stringprep) before hashing or comparing a password: B.1 and C.1.2 mapping,
 * NFKC as of Unicode 3.2, the C.1.2-C.9 prohibitions and the bidi rule with ICU's bidi classes.
 * Unassigned code points are allowed, as Prosody allows them. Checked against Prosody's own
 * SASLprep in test/stores/saslprep.test.ts.
 */

/** RFC 3454 C.1.2: non-ASCII spaces, mapped to U+0020. */
const NON_ASCII_SPACE = /[\u00A0\u1680\u2000-\u200B\u202F\u205F\u3000]/gu;
/** RFC 3454 B.1: "commonly mapped to nothing" (soft hyphen, joiners, variation selectors, …). */
const MAPPED_TO_NOTHING = /[\u00AD\u034F\u1806\u180B-\u180D\u200C\u200D\u2060\uFE00-\uFE0F\uFEFF]/gu;

/**
 * RFC 3454 C.2.1, C.2.2 (controls), C.3 (private use), C.4 (non-characters), C.5 (surrogates,
 * unreachable in well-formed strings), C.6 (inappropriate for plain text), C.7 (ideographic
 * description), C.8 (display properties, deprecated) and C.9 (tagging), plus the C.1.2 spaces
 * (already mapped away) as RFC 4013 section 2.3 lists them.
 */
const PROHIBITED = new RegExp(
  [
    "[\\u0000-\\u001F\\u007F]", // C.2.1
    "[\\u0080-\\u009F\\u06DD\\u070F\\u180E\\u200C\\u200D\\u2028\\u2029\\u2060-\\u2063\\u206A-\\u206F\\uFEFF\\uFFF9-\\uFFFC]", // C.2.2
    "[\\u{1D173}-\\u{1D17A}]", // C.2.2 (musical symbols)
    "[\\uE000-\\uF8FF\\u{F0000}-\\u{FFFFD}\\u{100000}-\\u{10FFFD}]", // C.3
    "[\\uFDD0-\\uFDEF\\uFFFE\\uFFFF]", // C.4 (BMP)
    "[\\u{1FFFE}\\u{1FFFF}\\u{2FFFE}\\u{2FFFF}\\u{3FFFE}\\u{3FFFF}\\u{4FFFE}\\u{4FFFF}\\u{5FFFE}\\u{5FFFF}]", // C.4
    "[\\u{6FFFE}\\u{6FFFF}\\u{7FFFE}\\u{7FFFF}\\u{8FFFE}\\u{8FFFF}\\u{9FFFE}\\u{9FFFF}\\u{AFFFE}\\u{AFFFF}]", // C.4
    "[\\u{BFFFE}\\u{BFFFF}\\u{CFFFE}\\u{CFFFF}\\u{DFFFE}\\u{DFFFF}\\u{EFFFE}\\u{EFFFF}\\u{FFFFE}\\u{FFFFF}\\u{10FFFE}\\u{10FFFF}]", // C.4
    "[\\uFFF9-\\uFFFD]", // C.6
    "[\\u2FF0-\\u2FFB]", // C.7
    "[\\u0340\\u0341\\u200E\\u200F\\u202A-\\u202E\\u206A-\\u206F]", // C.8
    "[\\u{E0001}\\u{E0020}-\\u{E007F}]", // C.9
  ].join("|"),
  "u",
);


/**
 * NFKC as libidn applies it: code points newer than Unicode 3.2 split the string and are kept
 * as they are, the text between them is normalised (stable for 3.2 characters since then).
 */
function normalizeAsUnicode32(text: string): string {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(NEWER_THAN_UNICODE_32)) {
    out += text.slice(last, match.index).normalize("NFKC") + match[0];
    last = match.index + match[0].length;
  }
  return out + text.slice(last).normalize("NFKC");
}

/** The SASLprep'd string, or `undefined` if it contains prohibited characters or bad bidi. */
export function saslprep(input: string): string | undefined {
  if (!input.isWellFormed()) return undefined;
  const mapped = input.replace(NON_ASCII_SPACE, " ").replace(MAPPED_TO_NOTHING, "");
  const output = normalizeAsUnicode32(mapped);
  if (PROHIBITED.test(output)) return undefined;
  if (RAND_AL.test(output)) {
    // RFC 3454 section 6: no L characters at all, and R/AL first and last.
    const chars = Array.from(output);
    for (const char of chars) if (L_CAT.test(char)) return undefined;
    if (!RAND_AL.test(chars[0]!) || !RAND_AL.test(chars[chars.length - 1]!)) return undefined;
  }
  return output;
}
