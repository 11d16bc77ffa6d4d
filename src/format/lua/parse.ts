/**
 * Reads the Lua data files of Prosody's `internal` storage (`util.datamanager`) without
 * evaluating anything: `return <expr>;` (.dat) and `item(<expr>);` statements (.list).
 * The expression language is what such data can hold: literals, table constructors, unary
 * minus, `/` (for `(1/0)`, `(-1/0)`, `(0/0)`), parentheses and comments.
 */
import { StorageError } from "../../errors.js";
import { LuaSource, LuaSyntaxError, MAX_SOURCE_BYTES, isDigit, isNameStart, syntaxFailure } from "./source.js";
import { FieldStack } from "./table-builder.js";
import { MAX_DEPTH, type Value } from "../../values/index.js";

const RESERVED = new Set([
  "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
  "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
]);

const TRUE = Buffer.from("true");
const FALSE = Buffer.from("false");

/** The expression reader over one source; shared by the file-level readers below. */
export class LuaDataParser extends LuaSource {
  /** The fields of the tables being read; its `stanzas` switch is for archive readers. */
  readonly fields = new FieldStack();

  /** Reads one expression: `unary { "/" unary }`. Returns undefined for `nil`. */
  parseExpr(depth: number): Value | undefined {
    this.skipSpace();
    // fast paths for what Prosody writes; a string or table cannot be divided anyway
    const c = this.bytes[this.pos];
    if (c === 34) return this.readQuotedString();
    if (c === 123) return this.parseTable(depth + 1);
    if (c === 116 && this.isWord(TRUE)) return true;
    if (c === 102 && this.isWord(FALSE)) return false;
    let value = this.parseUnary(depth);
    for (;;) {
      this.skipSpace();
      const b = this.bytes;
      if (b[this.pos] !== 47 || b[this.pos + 1] === 47) return value;
      const at = this.pos++;
      const divisor = this.parseUnary(depth);
      if (!isNumber(value) || !isNumber(divisor)) this.fail("attempt to perform arithmetic on a non-number value", at);
      value = Number(value) / Number(divisor);
      this.isFloat = true;
    }
  }

  private parseUnary(depth: number): Value | undefined {
    let negate = false;
    let at = this.pos;
    for (;;) {
      this.skipSpace();
      if (this.bytes[this.pos] !== 45) break;
      at = this.pos++;
      negate = !negate;
    }
    const value = this.parsePrimary(depth);
    if (!negate) return value;
    if (typeof value === "number") {
      // integer 0 has no sign in Lua; float zero does
      return this.isFloat ? -value : value === 0 ? 0 : -value;
    }
    if (typeof value === "bigint") {
      const negated = BigInt.asIntN(64, -value); // integer negation wraps around
      const small = Number(negated);
      return Number.isSafeInteger(small) ? small : negated;
    }
    return this.fail("attempt to perform arithmetic on a non-number value", at);
  }

  private parsePrimary(depth: number): Value | undefined {
    const b = this.bytes;
    const c = b[this.pos];
    if (c === 123) return this.parseTable(depth + 1); // {
    if (c === 34 || c === 39) return this.readQuotedString();
    if (isDigit(c) || (c === 46 && isDigit(b[this.pos + 1]))) return this.readNumber();
    if (c === 91) {
      const level = this.longBracketLevel(this.pos, true);
      if (level >= 0) return this.readLongString(level);
    } else if (c === 40) { // (
      if (depth >= MAX_DEPTH) this.fail(`expressions nested deeper than ${MAX_DEPTH}`);
      this.pos++;
      const value = this.parseExpr(depth + 1);
      this.expect(41, "')'");
      return value;
    } else if (isNameStart(c)) {
      const start = this.pos;
      const name = this.readName();
      if (name === "true") return true;
      if (name === "false") return false;
      if (name === "nil") return undefined;
      const touchesEnd = this.pos >= this.end && ("true".startsWith(name) || "false".startsWith(name) || "nil".startsWith(name));
      return this.fail(`unexpected name '${name}' (only literal data is read)`, touchesEnd ? this.end : start);
    }
    if (this.pos >= this.end) return this.fail("unexpected end of input, expected a value");
    return this.fail(`unexpected symbol '${printable(c)}'`);
  }

  private parseTable(depth: number): Value {
    if (depth > MAX_DEPTH) this.fail(`tables nested deeper than ${MAX_DEPTH}`);
    const b = this.bytes;
    this.pos++; // {
    const table = this.fields;
    const base = table.top;
    for (;;) {
      this.skipSpace();
      let c = b[this.pos];
      if (c === 125) {
        this.pos++;
        return table.finish(base);
      }
      if (c === 91 && b[this.pos + 1] === 34) {
        // `["key"] = value`, the form Prosody writes: no long bracket, a key that is never nil
        this.pos++;
        const key = this.readQuotedString() as string | Uint8Array;
        const p = this.pos;
        if (b[p] === 93 && b[p + 1] === 32 && b[p + 2] === 61 && b[p + 3] === 32) {
          this.pos = p + 4;
        } else {
          this.skipSpace();
          this.expect(93, "']'");
          this.skipSpace();
          this.expect(61, "'='");
        }
        table.keyed(key, this.parseExpr(depth));
      } else if (c === 91 && this.longBracketLevel(this.pos, true) < 0) {
        const at = this.pos++;
        const key = b[this.pos] === 34 ? this.readQuotedString() : this.parseExpr(depth);
        this.skipSpace();
        this.expect(93, "']'");
        this.skipSpace();
        this.expect(61, "'='");
        if (key === undefined) this.fail("table index is nil", at);
        if (typeof key === "number" && Number.isNaN(key)) this.fail("table index is NaN", at);
        if (typeof key === "object" && !(key instanceof Uint8Array)) this.fail("tables as table keys are not data", at);
        table.keyed(key, this.parseExpr(depth));
      } else if (isNameStart(c) && this.isNamedField()) {
        const name = this.readName();
        this.skipSpace();
        this.pos++; // the '=' that isNamedField saw
        table.keyed(name, this.parseExpr(depth));
      } else {
        table.positional(this.parseExpr(depth));
      }
      this.skipSpace();
      c = b[this.pos];
      if (c === 44 || c === 59) this.pos++;
      else if (c !== 125) this.fail(this.pos >= this.end ? "unexpected end of input in a table" : `'}' expected near '${printable(c)}'`);
    }
  }

  /** At a name inside a table: is this `name = value` (and not a value such as `true`)? */
  private isNamedField(): boolean {
    const start = this.pos;
    const name = this.readName();
    this.skipSpace();
    const b = this.bytes;
    const named = b[this.pos] === 61 && b[this.pos + 1] !== 61 && !RESERVED.has(name);
    this.pos = start;
    return named;
  }

  /**
   * At `word` directly followed by `;`, `,` or `}` (the end of a table field, as Prosody writes
   * it): consumes it. Anything else (`true / 2`, `trueish`) takes the general path.
   */
  private isWord(word: Uint8Array): boolean {
    const b = this.bytes;
    const p = this.pos;
    for (let i = 0; i < word.length; i++) if (b[p + i] !== word[i]) return false;
    const next = b[p + word.length];
    if (next !== 59 && next !== 44 && next !== 125) return false;
    this.pos = p + word.length;
    return true;
  }

  /** Consumes the byte `c` or fails with "`what` expected". */
  expect(c: number, what: string): void {
    if (this.bytes[this.pos] !== c) {
      this.fail(this.pos >= this.end ? `unexpected end of input, ${what} expected` : `${what} expected near '${printable(this.bytes[this.pos])}'`);
    }
    this.pos++;
  }
}

function isNumber(value: Value | undefined): value is number | bigint {
  return typeof value === "number" || typeof value === "bigint";
}

function printable(c: number): string {
  return c >= 32 && c < 127 ? String.fromCharCode(c) : `\\${c}`;
}

/** Runs a reader, turning syntax errors and engine limits into StorageErrors naming the file. */
export function withParseErrors<T>(bytes: Uint8Array, label: string, start: number, read: (parser: LuaDataParser) => T): T {
  if (bytes.length > MAX_SOURCE_BYTES) {
    const error = new LuaSyntaxError(`file larger than ${MAX_SOURCE_BYTES} bytes`, 0, false);
    throw syntaxFailure(label, bytes, error);
  }
  const parser = new LuaDataParser(bytes, start);
  try {
    return read(parser);
  } catch (error) {
    if (error instanceof LuaSyntaxError) throw syntaxFailure(label, bytes, error);
    if (error instanceof StorageError) throw error;
    // a string longer than the engine allows, or memory running out
    const reason = error instanceof Error ? error.message : String(error);
    throw syntaxFailure(label, bytes, new LuaSyntaxError(reason, parser.pos, false), error);
  }
}

/**
 * Reads a `.dat` file: an optional `return <value>` (further values are ignored, as Prosody's
 * loader ignores them). Returns undefined for an empty chunk or `return nil`, which Prosody
 * reads as "nothing stored". Throws StorageError `backend-failure`
 * (`[internal] cannot parse FILE: ... at line L`) for anything else.
 */
export function parseDatFile(bytes: Uint8Array, fileLabel: string): Value | undefined {
  return withParseErrors(bytes, fileLabel, 0, (parser) => {
    parser.skipPrelude();
    parser.skipSpace();
    while (parser.bytes[parser.pos] === 59) {
      parser.pos++;
      parser.skipSpace();
    }
    if (parser.pos >= parser.end) return undefined;
    const at = parser.pos;
    if (!isNameStart(parser.bytes[at]) || parser.readName() !== "return") parser.fail("'return' expected", at);
    parser.skipSpace();
    let value: Value | undefined;
    const c = parser.bytes[parser.pos];
    if (parser.pos < parser.end && c !== 59) {
      value = parser.parseExpr(0);
      parser.skipSpace();
      while (parser.bytes[parser.pos] === 44) {
        parser.pos++;
        parser.parseExpr(0);
        parser.skipSpace();
      }
    }
    if (parser.bytes[parser.pos] === 59) parser.pos++;
    parser.skipSpace();
    if (parser.pos < parser.end) parser.fail("end of file expected after the return value");
    return value;
  });
}
