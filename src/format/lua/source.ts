/**
 * The byte-level half of the Lua data reader: whitespace, comments, names, string and number
 * literals, read straight from the bytes the way Lua 5.4's lexer reads them (C locale), with
 * no regular expressions and no per-character string building on the hot path.
 */
import { StorageError, storageError } from "../../errors.js";

/** Largest input the reader accepts; bigger files are refused rather than half-read. */
export const MAX_SOURCE_BYTES = 512 * 1024 * 1024;

const ASCII_LIMIT = 0x80;
const SHORT_STRING = 32;
const STRING_CACHE_SIZE = 4096;
const SMALL_STRING_CACHE = 64;
const SMALL_INPUT = 16 * 1024;

/** Buffer's own slice-to-string methods, skipping the checks of `toString(encoding, ...)`. */
interface FastBuffer extends Buffer {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

/**
 * A failure inside the reader. `atEnd` says the input stopped before the construct did, which
 * is how a torn (half-written) last `item(...)` of a `.list` file shows itself.
 */
export class LuaSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly atEnd: boolean,
  ) {
    super(message);
  }
}

// Byte classes of Lua's lexer in the C locale.
const CLASS_SPACE = 1; // ' ' \t \v \f (newlines are handled apart)
const CLASS_ALPHA = 2; // A-Z a-z _
const CLASS_DIGIT = 4;
const CLASS_XDIGIT = 8;
const CLASS = new Uint8Array(256);
for (const c of [32, 9, 11, 12]) CLASS[c] = CLASS_SPACE;
for (let c = 65; c <= 90; c++) CLASS[c] = CLASS_ALPHA;
for (let c = 97; c <= 122; c++) CLASS[c] = CLASS_ALPHA;
CLASS[95] = CLASS_ALPHA;
for (let c = 48; c <= 57; c++) CLASS[c] = CLASS_DIGIT | CLASS_XDIGIT;
for (const c of "abcdefABCDEF") CLASS[c.charCodeAt(0)] |= CLASS_XDIGIT;

export function isNameStart(c: number): boolean {
  return (CLASS[c] & CLASS_ALPHA) !== 0;
}
export function isNameChar(c: number): boolean {
  return (CLASS[c] & (CLASS_ALPHA | CLASS_DIGIT)) !== 0;
}
export function isDigit(c: number): boolean {
  return (CLASS[c] & CLASS_DIGIT) !== 0;
}
function isHexDigit(c: number): boolean {
  return (CLASS[c] & CLASS_XDIGIT) !== 0;
}
function hexValue(c: number): number {
  return c <= 57 ? c - 48 : (c | 32) - 87;
}

const NL = 10;
const CR = 13;
const BACKSLASH = 92;

/** A cursor over the bytes of one Lua chunk. */
export class LuaSource {
  readonly bytes: Buffer;
  readonly end: number;
  pos: number;
  /** Bytes of the string being decoded when it has escapes; grown on demand, reused. */
  private scratch: Buffer | undefined;

  constructor(input: Uint8Array, start = 0) {
    this.bytes = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    this.end = this.bytes.length;
    this.pos = start;
  }

  /** Throws a {@link LuaSyntaxError} located at `at` (default: the cursor). */
  fail(message: string, at = this.pos): never {
    throw new LuaSyntaxError(message, at, at >= this.end);
  }

  /** Skips a UTF-8 byte-order mark and a first line starting with `#`, as `loadfile` does. */
  skipPrelude(): void {
    const b = this.bytes;
    if (b[this.pos] === 0xef && b[this.pos + 1] === 0xbb && b[this.pos + 2] === 0xbf) this.pos += 3;
    if (b[this.pos] === 0x1b) this.fail("precompiled (binary) chunks are not data");
    if (b[this.pos] === 35) {
      while (this.pos < this.end && b[this.pos] !== NL && b[this.pos] !== CR) this.pos++;
    }
  }

  /** Skips whitespace and comments; leaves the cursor on the next token (or at the end). */
  skipSpace(): void {
    const b = this.bytes;
    let p = this.pos;
    for (;;) {
      const c = b[p];
      if (c === 32 || c === NL || c === 9 || c === CR || c === 11 || c === 12) {
        p++;
      } else if (c === 45 && b[p + 1] === 45) {
        p += 2;
        const level = b[p] === 91 ? this.longBracketLevel(p) : -1;
        if (level >= 0) {
          this.pos = p;
          this.skipLongBracket(level, "comment");
          p = this.pos;
        } else {
          while (p < this.end && b[p] !== NL && b[p] !== CR) p++;
        }
      } else {
        this.pos = p;
        return;
      }
    }
  }

  /**
   * At a `[`: the level of a long bracket opening here (`[[` is 0, `[==[` is 2), -1 for a
   * plain `[`, and a failure for `[=` not followed by `[`, which Lua rejects.
   */
  longBracketLevel(at: number, strict = false): number {
    const b = this.bytes;
    let p = at + 1;
    while (b[p] === 61) p++;
    if (b[p] === 91) return p - at - 1;
    if (strict && p > at + 1) this.fail("invalid long string delimiter", p);
    return -1;
  }

  /** Skips a long bracket of `level` at the cursor and returns the offsets of its content. */
  skipLongBracket(level: number, what: string): [number, number] {
    const b = this.bytes;
    const start = this.pos;
    let p = start + level + 2;
    // the first newline right after the opening bracket is not part of the content
    if (b[p] === CR || b[p] === NL) {
      const first = b[p++];
      if ((b[p] === CR || b[p] === NL) && b[p] !== first) p++;
    }
    const contentStart = p;
    for (;;) {
      p = b.indexOf(93, p); // ']'
      if (p < 0) this.fail(`unfinished long ${what}`, this.end);
      let q = p + 1;
      while (b[q] === 61) q++;
      if (b[q] === 93 && q - p - 1 === level) {
        this.pos = q + 1;
        return [contentStart, p];
      }
      p++;
    }
  }

  /** Reads a long string `[==[...]==]` at the cursor. */
  readLongString(level: number): string | Uint8Array {
    const [start, stop] = this.skipLongBracket(level, "string");
    const b = this.bytes;
    let hasCR = false;
    for (let i = start; i < stop; i++) if (b[i] === CR) hasCR = true;
    if (!hasCR) return this.decode(b, start, stop);
    // Lua turns every newline sequence (\r\n, \n\r, \r, \n) inside a long string into \n
    let n = 0;
    const out = this.ensureScratch(stop - start);
    for (let i = start; i < stop; i++) {
      const c = b[i];
      if (c === CR || c === NL) {
        out[n++] = NL;
        const next = b[i + 1];
        if (i + 1 < stop && (next === CR || next === NL) && next !== c) i++;
      } else {
        out[n++] = c;
      }
    }
    return this.decode(out, 0, n);
  }

  /** Reads a name (identifier or keyword) at the cursor. */
  readName(): string {
    const b = this.bytes;
    const start = this.pos;
    let p = start + 1;
    while (isNameChar(b[p])) p++;
    this.pos = p;
    return (b as FastBuffer).latin1Slice(start, p);
  }

  /** Lua string bytes as a value: a string for valid UTF-8, else a copy of the bytes. */
  private decode(source: Buffer, start: number, stop: number): string | Uint8Array {
    let high = 0;
    let hash = 0;
    for (let i = start; i < stop; i++) {
      const c = source[i];
      high |= c;
      hash = (Math.imul(hash, 31) + c) | 0;
    }
    return this.decodeScanned(source, start, stop, high, hash);
  }

  /** {@link decode} when the bytes' OR (`high`) and hash are already known. */
  private decodeScanned(source: Buffer, start: number, stop: number, high: number, hash: number): string | Uint8Array {
    const length = stop - start;
    if (high < ASCII_LIMIT) {
      if (length > SHORT_STRING) return (source as FastBuffer).latin1Slice(start, stop);
      return this.shortString(source, start, length, hash ^ length);
    }
    if (isValidUtf8(source, start, stop)) return (source as FastBuffer).utf8Slice(start, stop);
    return new Uint8Array(source.buffer.slice(source.byteOffset + start, source.byteOffset + stop));
  }

  /**
   * Short ASCII strings through a small cache: the same keys and values ("name", "attr",
   * "xmlns", "chat", JIDs) repeat in every item, and reusing one string saves an allocation
   * and the engine's re-internalising of property names.
   */
  private shortString(source: Buffer, start: number, length: number, hash: number): string {
    // small inputs (one item, a small .dat) get a small cache: it is allocated per reader
    const cache = (this.strings ??= new Array<string | undefined>(this.end < SMALL_INPUT ? SMALL_STRING_CACHE : STRING_CACHE_SIZE));
    const slot = (hash ^ (hash >>> 13)) & (cache.length - 1);
    const cached = cache[slot];
    if (cached !== undefined && cached.length === length) {
      let same = true;
      for (let i = 0; i < length; i++) {
        if (cached.charCodeAt(i) !== source[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return cached;
    }
    const text = (source as FastBuffer).latin1Slice(start, start + length);
    cache[slot] = text;
    return text;
  }

  private strings: Array<string | undefined> | undefined;

  private ensureScratch(size: number): Buffer {
    const current = this.scratch;
    if (current !== undefined && current.length >= size) return current;
    return (this.scratch = Buffer.allocUnsafe(Math.max(size, 256, (current?.length ?? 0) * 2)));
  }

  /** Reads a quoted string at the cursor (which is on the opening quote). */
  readQuotedString(): string | Uint8Array {
    const b = this.bytes;
    const quote = b[this.pos];
    const start = this.pos + 1;
    let p = start;
    let high = 0;
    let hash = 0;
    for (;;) {
      const c = b[p];
      if (c === quote) {
        this.pos = p + 1;
        return this.decodeScanned(b, start, p, high, hash);
      }
      if (c === BACKSLASH) break;
      if (c === NL || c === CR || p >= this.end) this.fail("unfinished string", p);
      high |= c;
      hash = (Math.imul(hash, 31) + c) | 0;
      p++;
    }
    // escapes: copy what came before, then decode byte by byte into the scratch buffer
    let out = this.ensureScratch(p - start + 64);
    let n = 0;
    for (let i = start; i < p; i++) out[n++] = b[i];
    for (;;) {
      if (n + 8 > out.length) {
        const bigger = Buffer.allocUnsafe(out.length * 2);
        out.copy(bigger, 0, 0, n);
        this.scratch = out = bigger;
      }
      const c = b[p];
      if (c === quote) {
        this.pos = p + 1;
        return this.decode(out, 0, n);
      }
      if (c === NL || c === CR || p >= this.end) this.fail("unfinished string", p);
      if (c !== BACKSLASH) {
        out[n++] = c;
        p++;
        continue;
      }
      p = this.readEscape(p + 1, out, n);
      n = this.escapeLength;
    }
  }

  /** Output length after the last {@link readEscape}; avoids allocating a result pair. */
  private escapeLength = 0;

  /** Decodes the escape after a backslash at `p` into `out` at `n`; returns the next offset. */
  private readEscape(p: number, out: Buffer, n: number): number {
    const b = this.bytes;
    const c = b[p];
    let byte: number;
    switch (c) {
      case 97: byte = 7; break; // \a
      case 98: byte = 8; break; // \b
      case 102: byte = 12; break; // \f
      case 110: byte = NL; break; // \n
      case 114: byte = CR; break; // \r
      case 116: byte = 9; break; // \t
      case 118: byte = 11; break; // \v
      case BACKSLASH: case 34: case 39: byte = c; break;
      case NL: case CR: {
        // a backslash before a line break keeps the line break (as \n)
        const next = b[p + 1];
        out[n] = NL;
        this.escapeLength = n + 1;
        return (next === NL || next === CR) && next !== c ? p + 2 : p + 1;
      }
      case 120: { // \xXX
        if (!isHexDigit(b[p + 1]) || !isHexDigit(b[p + 2])) this.fail("hexadecimal digit expected", Math.min(p + 3, this.end));
        out[n] = hexValue(b[p + 1]) * 16 + hexValue(b[p + 2]);
        this.escapeLength = n + 1;
        return p + 3;
      }
      case 122: { // \z skips the following whitespace, line breaks included
        let q = p + 1;
        while (q < this.end && (CLASS[b[q]] === CLASS_SPACE || b[q] === NL || b[q] === CR)) q++;
        this.escapeLength = n;
        return q;
      }
      case 117: // \u{hex}
        return this.readUtf8Escape(p + 1, out, n);
      default: {
        if (!isDigit(c)) this.fail(p >= this.end ? "unfinished string" : "invalid escape sequence", p);
        let value = 0;
        let q = p;
        while (q < p + 3 && isDigit(b[q])) value = value * 10 + (b[q++] - 48);
        if (value > 255) this.fail("decimal escape too large", q);
        out[n] = value;
        this.escapeLength = n + 1;
        return q;
      }
    }
    out[n] = byte;
    this.escapeLength = n + 1;
    return p + 1;
  }

  /** `\u{hex}`: a code point up to 2^31 written as (extended) UTF-8, like Lua 5.4's `luaO_utf8esc`. */
  private readUtf8Escape(p: number, out: Buffer, n: number): number {
    const b = this.bytes;
    if (b[p] !== 123) this.fail("missing '{' in \\u{xxxx}", Math.min(p, this.end));
    let q = p + 1;
    if (!isHexDigit(b[q])) this.fail("hexadecimal digit expected", q);
    let code = 0;
    while (isHexDigit(b[q])) {
      code = code * 16 + hexValue(b[q++]);
      if (code > 0x7fffffff) this.fail("UTF-8 value too large", q);
    }
    if (b[q] !== 125) this.fail("missing '}' in \\u{xxxx}", q);
    if (code < 0x80) {
      out[n++] = code;
    } else {
      // continuation bytes from the end, then a first byte with as many high bits as bytes
      const tail: number[] = [];
      let limit = 0x3f; // largest value the first byte can still hold
      while (code > limit) {
        tail.push(0x80 | (code & 0x3f));
        code = Math.floor(code / 64);
        limit >>= 1;
      }
      out[n++] = ((~limit << 1) & 0xff) | code;
      for (let i = tail.length - 1; i >= 0; i--) out[n++] = tail[i];
    }
    this.escapeLength = n;
    return q + 1;
  }

  /**
   * Reads a numeral at the cursor as Lua's lexer does: the longest run of digits, hex digits,
   * points and exponents, then converted. Sets {@link isFloat}.
   */
  readNumber(): number | bigint {
    const b = this.bytes;
    const start = this.pos;
    let p = start;
    // fast path: short decimal integers, by far the most common numbers in Prosody's files
    let value = 0;
    while (isDigit(b[p]) && p - start < 15) value = value * 10 + (b[p++] - 48);
    const c = b[p];
    if (p > start && !isNameChar(c) && c !== 46) {
      this.pos = p;
      this.isFloat = false;
      return value;
    }
    p = start;
    const hex = b[p] === 48 && (b[p + 1] | 32) === 120;
    const exponent = hex ? 112 : 101; // p or e, lowercased
    if (hex) p += 2;
    for (;;) {
      const d = b[p];
      if ((d | 32) === exponent) {
        p++;
        if (b[p] === 43 || b[p] === 45) p++;
      } else if (isHexDigit(d) || d === 46) {
        p++;
      } else {
        break;
      }
    }
    if (isNameChar(b[p])) p++; // a numeral touching a letter is malformed
    this.pos = p;
    const result = convertNumeral(b.toString("latin1", start, p));
    if (result === undefined) this.fail("malformed number", p >= this.end ? p : start);
    this.isFloat = result[1];
    return result[0];
  }

  /** Whether the last number read is a Lua float (as opposed to an integer). */
  isFloat = false;
}

/** Strict UTF-8 validation (no overlongs, no surrogates, nothing above U+10FFFF), like TextDecoder's fatal mode. */
function isValidUtf8(b: Uint8Array, start: number, stop: number): boolean {
  let i = start;
  while (i < stop) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let code: number;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
      code = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
      code = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
      code = c & 0x07;
    } else {
      return false;
    }
    if (i + need >= stop) return false;
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if ((d & 0xc0) !== 0x80) return false;
      code = (code << 6) | (d & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return false;
    i += need + 1;
  }
  return true;
}

const INT64_MAX = (1n << 63n) - 1n;

/** Converts a numeral's text with Lua 5.4's rules: [value, isFloat], or undefined if malformed. */
function convertNumeral(text: string): [number | bigint, boolean] | undefined {
  return /^0[xX]/.test(text) ? convertHex(text.slice(2)) : convertDecimal(text);
}

function integerValue(value: bigint): number | bigint {
  const small = Number(value);
  return Number.isSafeInteger(small) ? small : value;
}

function convertDecimal(text: string): [number | bigint, boolean] | undefined {
  if (!/^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)) return undefined;
  if (/^\d+$/.test(text)) {
    const value = BigInt(text);
    // decimal integers that overflow int64 are read as floats
    if (value <= INT64_MAX) return [integerValue(value), false];
  }
  return [Number(text), true];
}

function convertHex(text: string): [number | bigint, boolean] | undefined {
  const match = /^([0-9a-fA-F]*)(?:(\.)([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/.exec(text);
  if (!match) return undefined;
  const [, whole, point, fraction = "", exponent] = match;
  if (whole.length + fraction.length === 0) return undefined;
  if (point === undefined && exponent === undefined) {
    // hexadecimal integers wrap around modulo 2^64
    return [integerValue(BigInt.asIntN(64, BigInt(`0x${whole}`))), false];
  }
  const mantissa = BigInt(`0x${whole}${fraction}` === "0x" ? "0" : `0x${whole}${fraction}`);
  let power = Number(exponent ?? 0) - 4 * fraction.length;
  if (mantissa === 0n) return [0, true];
  let value = Number(mantissa);
  // scale in steps so that intermediate powers of two neither overflow nor underflow early
  while (power > 0) {
    const step = Math.min(power, 1000);
    value *= 2 ** step;
    power -= step;
  }
  while (power < 0) {
    const step = Math.max(power, -1000);
    value *= 2 ** step;
    power -= step;
  }
  return [value, true];
}

/** Builds the StorageError for a syntax error, with the line number Lua would report. */
export function syntaxFailure(label: string, bytes: Uint8Array, error: LuaSyntaxError, cause: unknown = error): StorageError {
  let line = 1;
  const stop = Math.min(error.offset, bytes.length);
  for (let i = 0; i < stop; i++) if (bytes[i] === NL) line++;
  return storageError("backend-failure", `cannot parse ${label}: ${error.message} at line ${line}`, { backend: "internal", cause });
}
