/**
 * Skips over Lua expressions without building values, for readers that want a few fields of
 * a large item (the archive index wants `key`, `when` and `with`, not the stanza). Strings are
 * stepped over without decoding; escapes are not validated, so a skip accepts a little more
 * than a full parse does (a full read of the same item still reports such an error).
 */
import { MAX_DEPTH } from "../../values/index.js";
import type { LuaDataParser } from "./parse.js";
import { isDigit, isNameStart } from "./source.js";

const NL = 10;
const CR = 13;

function skipQuoted(p: LuaDataParser): void {
  const b = p.bytes;
  const quote = b[p.pos];
  let i = p.pos + 1;
  for (;;) {
    const c = b[i];
    if (c === quote) break;
    if (c === NL || c === CR || i >= p.end) p.fail("unfinished string", i);
    if (c === 92) {
      const e = b[i + 1];
      if (e === NL || e === CR) {
        const next = b[i + 2];
        i += (next === NL || next === CR) && next !== e ? 3 : 2;
        continue;
      }
      if (e === 122) { // \z: the whitespace after it may span lines
        i += 2;
        while (b[i] === 32 || b[i] === 9 || b[i] === NL || b[i] === CR || b[i] === 11 || b[i] === 12) i++;
        continue;
      }
      i += 2;
      continue;
    }
    i++;
  }
  p.pos = i + 1;
}

/** Skips one expression (`unary { "/" unary }`) at the cursor. */
export function skipExpr(p: LuaDataParser, depth: number): void {
  for (;;) {
    skipUnary(p, depth);
    p.skipSpace();
    if (p.bytes[p.pos] !== 47 || p.bytes[p.pos + 1] === 47) return;
    p.pos++;
  }
}

function skipUnary(p: LuaDataParser, depth: number): void {
  const b = p.bytes;
  for (;;) {
    p.skipSpace();
    if (b[p.pos] !== 45) break;
    p.pos++;
  }
  const c = b[p.pos];
  if (c === 123) return skipTable(p, depth + 1);
  if (c === 34 || c === 39) return skipQuoted(p);
  if (isDigit(c) || (c === 46 && isDigit(b[p.pos + 1]))) {
    p.readNumber();
    return;
  }
  if (c === 91) {
    const level = p.longBracketLevel(p.pos, true);
    if (level >= 0) {
      p.skipLongBracket(level, "string");
      return;
    }
  } else if (c === 40) {
    if (depth >= MAX_DEPTH) p.fail(`expressions nested deeper than ${MAX_DEPTH}`);
    p.pos++;
    skipExpr(p, depth + 1);
    p.skipSpace();
    p.expect(41, "')'");
    return;
  } else if (isNameStart(c)) {
    const start = p.pos;
    const name = p.readName();
    if (name === "true" || name === "false" || name === "nil") return;
    p.fail(`unexpected name '${name}' (only literal data is read)`, p.pos >= p.end ? p.end : start);
  }
  p.fail(p.pos >= p.end ? "unexpected end of input, expected a value" : "unexpected symbol");
}

/** Skips one table field's key part if it is `[expr] =` or `name =`; false for a positional field. */
function skipFieldKey(p: LuaDataParser, depth: number): boolean {
  const b = p.bytes;
  const c = b[p.pos];
  if (c === 91 && p.longBracketLevel(p.pos, true) < 0) {
    p.pos++;
    skipExpr(p, depth);
    p.skipSpace();
    p.expect(93, "']'");
    p.skipSpace();
    p.expect(61, "'='");
    return true;
  }
  if (isNameStart(c)) {
    const start = p.pos;
    p.readName();
    p.skipSpace();
    if (b[p.pos] === 61 && b[p.pos + 1] !== 61) {
      p.pos++;
      return true;
    }
    p.pos = start;
  }
  return false;
}

/** Steps past a field separator or onto the closing brace; fails on anything else. */
export function skipFieldSeparator(p: LuaDataParser): void {
  p.skipSpace();
  const c = p.bytes[p.pos];
  if (c === 44 || c === 59) p.pos++;
  else if (c !== 125) p.fail(p.pos >= p.end ? "unexpected end of input in a table" : "'}' expected");
}

function skipTable(p: LuaDataParser, depth: number): void {
  if (depth > MAX_DEPTH) p.fail(`tables nested deeper than ${MAX_DEPTH}`);
  p.pos++;
  for (;;) {
    p.skipSpace();
    if (p.bytes[p.pos] === 125) {
      p.pos++;
      return;
    }
    skipFieldKey(p, depth);
    skipExpr(p, depth);
    skipFieldSeparator(p);
  }
}
