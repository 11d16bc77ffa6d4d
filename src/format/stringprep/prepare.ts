import { CodePointSet, codePointMap } from "./code-points.js";
import { L_CAT, RAND_AL } from "./icu-bidi.js";
import { A_1, B_1, B_2, C_1_2 } from "./rfc3454-tables.js";

/**
 * The stringprep algorithm (RFC 3454 sections 3-6) as Prosody runs it: util.encodings hands
 * the string to ICU's usprep_prepare with unassigned code points allowed (unless `strict`),
 * inside fixed 1024-unit buffers. So, exactly as there:
 * - input of 1024 bytes or more, or that is not well-formed Unicode, fails;
 * - unassigned code points (table A.1) pass unchanged and, since ICU normalises only code
 *   points Unicode 3.2 assigned, neither decompose nor compose with their neighbours;
 * - five CJK compatibility ideographs decompose as Unicode 3.2 said, before Unicode 4.0
 *   corrected them (NormalizationCorrections.txt): ICU keeps stringprep on 3.2's NFKC;
 * - the bidi rule (section 6) uses ICU's current bidirectional classes (icu-bidi.ts);
 * - a result of 1024 UTF-8 bytes or more fails.
 */

export interface Profile {
  /** Also apply table B.2 (case folding for NFKC). */
  caseFold: boolean;
  /** Map the non-ASCII spaces of table C.1.2 to U+0020 (SASLprep). */
  spacesToSpace?: boolean;
  /** Code points the output must not contain. */
  prohibited: CodePointSet;
}

export interface PrepareOptions {
  /** Refuse unassigned code points (Prosody's `strict` argument); default false. */
  strict?: boolean;
}

/** Prosody's (util.encodings) buffer: inputs and outputs must stay below it, in UTF-8 bytes. */
const BUFFER_BYTES = 1024;
const MAPPED_TO_NOTHING = codePointMap(B_1);
const CASE_FOLDING = codePointMap(B_2);
const NON_ASCII_SPACE = new CodePointSet(C_1_2);
const UNASSIGNED = new CodePointSet(A_1);
/** Unicode 3.2's decompositions of the ideographs Unicode 4.0 corrected (from, 3.2 form). */
const UNICODE_32_DECOMPOSITIONS = new Map<number, string>([
  [0x2f868, "\u{2136A}"],
  [0x2f874, "\u{5F33}"],
  [0x2f91f, "\u{43AB}"],
  [0x2f95f, "\u{7AAE}"],
  [0x2f9bf, "\u{4D57}"],
]);

function map(input: string, profile: Profile, strict: boolean): string | undefined {
  let out = "";
  for (const char of input) {
    const codePoint = char.codePointAt(0)!;
    if (strict && UNASSIGNED.has(codePoint)) return undefined;
    if (profile.spacesToSpace && NON_ASCII_SPACE.has(codePoint)) out += " ";
    else {
      out += MAPPED_TO_NOTHING.get(codePoint) ?? (profile.caseFold ? CASE_FOLDING.get(codePoint) : undefined) ??
        UNICODE_32_DECOMPOSITIONS.get(codePoint) ?? char;
    }
  }
  return out;
}

/** NFKC of the runs of Unicode 3.2 characters; unassigned code points stay as they are. */
function normalize(text: string): string {
  let out = "";
  let run = "";
  for (const char of text) {
    if (UNASSIGNED.has(char.codePointAt(0)!)) {
      out += run.normalize("NFKC") + char;
      run = "";
    } else {
      run += char;
    }
  }
  return out + run.normalize("NFKC");
}

/** RFC 3454 section 6: with any R/AL character, no L character, and R/AL first and last. */
function bidiOk(text: string): boolean {
  if (!RAND_AL.test(text)) return true;
  if (L_CAT.test(text)) return false;
  const chars = Array.from(text);
  return RAND_AL.test(chars[0]!) && RAND_AL.test(chars[chars.length - 1]!);
}

/** The prepared string, or `undefined` where Prosody's stringprep returns nil. */
export function prepare(input: string, profile: Profile, options: PrepareOptions = {}): string | undefined {
  if (!input.isWellFormed() || Buffer.byteLength(input) >= BUFFER_BYTES) return undefined;
  const mapped = map(input, profile, options.strict ?? false);
  if (mapped === undefined) return undefined;
  const output = normalize(mapped);
  if (profile.prohibited.hasAny(output) || !bidiOk(output)) return undefined;
  return Buffer.byteLength(output) < BUFFER_BYTES ? output : undefined;
}
