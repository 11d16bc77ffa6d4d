import { configErrorAt } from "../errors.js";

/** One token of a Lua chunk. `value` is the decoded bytes for strings, the number for numbers. */
export type Token =
  | { kind: "name"; text: string; line: number }
  | { kind: "keyword"; text: string; line: number }
  | { kind: "string"; bytes: Uint8Array; line: number }
  | { kind: "number"; value: number | bigint; line: number }
  | { kind: "symbol"; text: string; line: number }
  | { kind: "eof"; line: number };

const KEYWORDS = new Set(
  "and break do else elseif end false for function goto if in local nil not or repeat return then true until while".split(" "),
);
// Longest first, so that ".." is not read as "." ".".
const SYMBOLS = ["...", "..", "==", "~=", "<=", ">=", "//", "::", "<<", ">>", "=", "<", ">", "+", "-", "*", "/", "%", "^", "#",
  "&", "~", "|", "(", ")", "{", "}", "[", "]", ";", ",", ":", "."];
const SIMPLE_ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, "\\": 92, '"': 34, "'": 39 };

const isDigit = (c: string) => c >= "0" && c <= "9";
const isNameStart = (c: string) => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_";
const isNameChar = (c: string) => isNameStart(c) || isDigit(c);

/**
 * Splits Lua source into tokens, as Lua 5.4 reads it: comments (`--`, `--[[ ]]`), strings in
 * every form (quoted with escapes, long brackets), decimal and hexadecimal numbers.
 * The source is taken as UTF-8 text; strings come out as bytes, escapes decoded.
 */
export function tokenize(source: string, file: string): Token[] {
  const tokens: Token[] = [];
  const encoder = new TextEncoder();
  let pos = 0;
  let line = 1;
  const fail = (message: string, at = line): never => {
    throw configErrorAt(file, at, message);
  };

  /** Length of a long bracket opening at `pos` (`[[` → 0, `[==[` → 2), or -1. */
  const longBracketLevel = (at: number): number => {
    if (source[at] !== "[") return -1;
    let level = 0;
    while (source[at + 1 + level] === "=") level++;
    return source[at + 1 + level] === "[" ? level : -1;
  };
  const readLong = (level: number, what: string): string => {
    const start = line;
    pos += level + 2;
    if (source[pos] === "\r") pos += source[pos + 1] === "\n" ? 2 : 1;
    else if (source[pos] === "\n") pos += source[pos + 1] === "\r" ? 2 : 1;
    if (pos > 0 && (source[pos - 1] === "\n" || source[pos - 1] === "\r")) line++;
    const close = `]${"=".repeat(level)}]`;
    const end = source.indexOf(close, pos);
    if (end < 0) fail(`unfinished long ${what}`, start);
    const text = source.slice(pos, end);
    line += (text.match(/\r\n|\n\r|\n|\r/g) ?? []).length;
    pos = end + close.length;
    return text;
  };

  const readQuoted = (quote: string): Uint8Array => {
    const start = line;
    const bytes: number[] = [];
    pos++;
    for (;;) {
      const c = source[pos];
      if (c === undefined || c === "\n" || c === "\r") fail("unfinished string", start);
      if (c === quote) {
        pos++;
        return Uint8Array.from(bytes);
      }
      if (c !== "\\") {
        const code = source.codePointAt(pos)!;
        const char = String.fromCodePoint(code);
        bytes.push(...encoder.encode(char));
        pos += char.length;
        continue;
      }
      const e = source[pos + 1];
      pos += 2;
      if (e !== undefined && e in SIMPLE_ESCAPES) bytes.push(SIMPLE_ESCAPES[e]);
      else if (e === "\n" || e === "\r") {
        bytes.push(10);
        if ((source[pos] === "\n" || source[pos] === "\r") && source[pos] !== e) pos++;
        line++;
      } else if (e === "x") {
        const hex = source.slice(pos, pos + 2);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) fail("hexadecimal digit expected in \\x escape");
        bytes.push(parseInt(hex, 16));
        pos += 2;
      } else if (e === "z") {
        while (pos < source.length && /\s/.test(source[pos])) {
          if (source[pos] === "\n") line++;
          pos++;
        }
      } else if (e === "u") {
        const m = /^\{([0-9a-fA-F]+)\}/.exec(source.slice(pos));
        if (!m || parseInt(m[1], 16) > 0x7fffffff) fail("invalid \\u{hex} escape");
        bytes.push(...encoder.encode(String.fromCodePoint(Math.min(parseInt(m![1], 16), 0x10ffff))));
        pos += m![0].length;
      } else if (e !== undefined && isDigit(e)) {
        const m = /^\d{1,3}/.exec(source.slice(pos - 1))!;
        const value = Number(m[0]);
        if (value > 255) fail("decimal escape too large");
        bytes.push(value);
        pos += m[0].length - 1;
      } else fail(`invalid escape sequence \\${e ?? ""}`);
    }
  };

  const readNumber = (): number | bigint => {
    const rest = source.slice(pos);
    const hex = /^0[xX]([0-9a-fA-F]+)(?![.pP0-9a-zA-Z_])/.exec(rest);
    if (hex) {
      pos += hex[0].length;
      // Lua wraps hexadecimal integers around 2^64.
      const value = BigInt.asIntN(64, BigInt(`0x${hex[1]}`));
      return Number.isSafeInteger(Number(value)) ? Number(value) : value;
    }
    const dec = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(rest);
    if (!dec || isNameChar(rest[dec[0].length] ?? "") || rest[dec[0].length] === ".") fail(`malformed number near ${rest.slice(0, 12)}`);
    pos += dec![0].length;
    const isInteger = !dec![0].includes(".") && !dec![2];
    if (isInteger) {
      const big = BigInt(dec![0]);
      if (big <= 0x7fffffffffffffffn) return Number.isSafeInteger(Number(big)) ? Number(big) : big;
    }
    return Number(dec![0]);
  };

  while (pos < source.length) {
    const c = source[pos];
    if (c === "\n") {
      line++;
      pos++;
    } else if (c === " " || c === "\t" || c === "\r" || c === "\f" || c === "\v") {
      pos++;
    } else if (c === "-" && source[pos + 1] === "-") {
      pos += 2;
      const level = longBracketLevel(pos);
      if (level >= 0) readLong(level, "comment");
      else while (pos < source.length && source[pos] !== "\n") pos++;
    } else if (pos === 0 && c === "#") {
      while (pos < source.length && source[pos] !== "\n") pos++; // a "#!" first line
    } else if (isNameStart(c)) {
      const start = pos;
      while (pos < source.length && isNameChar(source[pos])) pos++;
      const text = source.slice(start, pos);
      tokens.push({ kind: KEYWORDS.has(text) ? "keyword" : "name", text, line });
    } else if (isDigit(c) || (c === "." && isDigit(source[pos + 1] ?? ""))) {
      const at = line;
      tokens.push({ kind: "number", value: readNumber(), line: at });
    } else if (c === '"' || c === "'") {
      const at = line;
      tokens.push({ kind: "string", bytes: readQuoted(c), line: at });
    } else if (longBracketLevel(pos) >= 0) {
      const at = line;
      tokens.push({ kind: "string", bytes: encoder.encode(readLong(longBracketLevel(pos), "string")), line: at });
    } else {
      const symbol = SYMBOLS.find((s) => source.startsWith(s, pos));
      if (!symbol) fail(`unexpected character ${JSON.stringify(c)}`);
      tokens.push({ kind: "symbol", text: symbol!, line });
      pos += symbol!.length;
    }
  }
  tokens.push({ kind: "eof", line });
  return tokens;
}
