import { storageError } from "../../errors.js";
import { MAX_DEPTH, stringFromBytes, tableFromPairs, type LuaKey, type Value } from "../../values/index.js";
import { parseLuaNumber } from "./lua-number.js";

/**
 * Decodes JSON written by Prosody's `util.json` (or by {@link encodeProsodyJson}) into a value:
 * `__array` and `__hash` are folded back into the table as util.json does, numbers are read as
 * Lua's `tonumber` reads them (64-bit integers stay exact), and `null` becomes an empty table
 * (util.json's `null` is an empty table too). Text given as bytes that are not valid UTF-8 is
 * read byte by byte, and strings that are not valid UTF-8 come back as `Uint8Array`s.
 * Malformed text throws `backend-failure`; callers add the name of the object read.
 */
export function decodeProsodyJson(input: string | Uint8Array): Value {
  let text: string;
  let binary = false;
  if (typeof input === "string") {
    text = input;
  } else {
    const decoded = stringFromBytes(input);
    binary = typeof decoded !== "string";
    text = typeof decoded === "string" ? decoded : Buffer.from(input).toString("latin1");
  }
  const reader = new JsonReader(text, binary);
  const value = reader.document();
  return value;
}

const WHITESPACE = /[ \t\r\n]*/y;
const NUMBER = /[0-9.eE+-]+/y;
const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

class JsonReader {
  #at = 0;
  readonly #text: string;
  readonly #binary: boolean;

  constructor(text: string, binary: boolean) {
    this.#text = text;
    this.#binary = binary;
  }

  document(): Value {
    const value = this.#value(0);
    this.#skip();
    if (this.#at < this.#text.length) this.#fail("garbage after the value");
    return value;
  }

  #fail(what: string): never {
    throw storageError("backend-failure", `invalid JSON at offset ${this.#at}: ${what}`);
  }

  #skip(): void {
    WHITESPACE.lastIndex = this.#at;
    WHITESPACE.test(this.#text);
    this.#at = WHITESPACE.lastIndex;
  }

  /** A value inside `depth` tables; a table here is level depth + 1 (see MAX_DEPTH). */
  #value(depth: number): Value {
    this.#skip();
    const ch = this.#text[this.#at];
    if ((ch === "{" || ch === "[") && depth >= MAX_DEPTH) this.#fail(`tables nested deeper than ${MAX_DEPTH}`);
    switch (ch) {
      case "{":
        return this.#object(depth);
      case "[":
        return this.#array(depth);
      case '"':
        return this.#finishString(this.#string());
      case "t":
        return this.#literal("true", true);
      case "f":
        return this.#literal("false", false);
      case "n":
        return this.#literal("null", {});
    }
    if (ch !== undefined && (ch === "-" || (ch >= "0" && ch <= "9"))) return this.#number();
    return this.#fail("value expected");
  }

  #literal(word: string, value: Value): Value {
    if (!this.#text.startsWith(word, this.#at)) this.#fail(`${word} expected`);
    this.#at += word.length;
    return value;
  }

  #number(): number | bigint {
    NUMBER.lastIndex = this.#at;
    const match = NUMBER.exec(this.#text);
    const number = match ? parseLuaNumber(match[0]) : undefined;
    if (match === null || number === undefined) return this.#fail("number expected");
    this.#at += match[0].length;
    return number;
  }

  /** A string's raw content: JS text, or in binary mode one char per byte. */
  #string(): string {
    const text = this.#text;
    let at = this.#at + 1;
    let out = "";
    for (;;) {
      const quote = text.indexOf('"', at);
      const slash = text.indexOf("\\", at);
      if (quote < 0) this.#fail("unterminated string");
      if (slash < 0 || quote < slash) {
        out += text.slice(at, quote);
        this.#at = quote + 1;
        return out;
      }
      out += text.slice(at, slash);
      const [decoded, length] = this.#escape(slash);
      out += decoded;
      at = slash + length;
    }
  }

  #escape(at: number): [string, number] {
    const code = this.#text[at + 1];
    if (code !== "u") {
      const simple = code === undefined ? undefined : SIMPLE_ESCAPES[code];
      if (simple === undefined) {
        this.#at = at;
        this.#fail("invalid escape");
      }
      return [simple, 2];
    }
    const unit = (offset: number) => {
      const hex = this.#text.slice(offset, offset + 4);
      return /^[0-9a-fA-F]{4}$/.test(hex) ? Number.parseInt(hex, 16) : -1;
    };
    let point = unit(at + 2);
    let length = 6;
    if (point >= 0xd800 && point <= 0xdbff && this.#text.startsWith("\\u", at + 6)) {
      const low = unit(at + 8);
      if (low >= 0xdc00 && low <= 0xdfff) {
        point = (point - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
        length = 12;
      }
    }
    if (point < 0 || (point >= 0xd800 && point <= 0xdfff)) {
      this.#at = at;
      this.#fail("invalid \\u escape");
    }
    const char = String.fromCodePoint(point);
    return [this.#binary ? Buffer.from(char).toString("latin1") : char, length];
  }

  #finishString(raw: string): string | Uint8Array {
    return this.#binary ? stringFromBytes(Buffer.from(raw, "latin1")) : raw;
  }

  #array(depth: number): Value[] {
    this.#at++;
    const items: Value[] = [];
    this.#skip();
    if (this.#text[this.#at] === "]") {
      this.#at++;
      return items;
    }
    for (;;) {
      items.push(this.#value(depth + 1));
      this.#skip();
      const ch = this.#text[this.#at++];
      if (ch === "]") return items;
      if (ch !== ",") this.#fail("',' or ']' expected");
    }
  }

  #object(depth: number): Value {
    this.#at++;
    const entries = new Map<string | Uint8Array, Value>();
    const keyOf = new Map<string, string | Uint8Array>();
    this.#skip();
    if (this.#text[this.#at] === "}") {
      this.#at++;
      return {};
    }
    for (;;) {
      this.#skip();
      if (this.#text[this.#at] !== '"') this.#fail("key expected");
      const raw = this.#string();
      this.#skip();
      if (this.#text[this.#at++] !== ":") this.#fail("':' expected");
      const value = this.#value(depth + 1);
      // Later duplicates win, as when Lua assigns the same key twice.
      const existing = keyOf.get(raw);
      if (existing !== undefined) entries.delete(existing);
      const key = this.#finishString(raw);
      keyOf.set(raw, key);
      entries.set(key, value);
      this.#skip();
      const ch = this.#text[this.#at++];
      if (ch === "}") return this.#fold(entries);
      if (ch !== ",") this.#fail("',' or '}' expected");
    }
  }

  /** util.json's `_fixobject`: `__array` items become 1..n, `__hash` pairs become keys. */
  #fold(entries: Map<string | Uint8Array, Value>): Value {
    const array = entries.get("__array");
    const hash = entries.get("__hash");
    entries.delete("__array");
    entries.delete("__hash");
    const pairs = new Map<string, [LuaKey, Value]>();
    const put = (key: LuaKey, value: Value) => pairs.set(keyId(key), [key, value]);
    for (const [key, value] of entries) put(key, value);
    if (Array.isArray(array)) array.forEach((item, i) => put(i + 1, item));
    if (Array.isArray(hash)) {
      for (let i = 0; i + 1 < hash.length; i += 2) {
        const key = hash[i];
        if (typeof key === "object" && !(key instanceof Uint8Array)) this.#fail("a table used as a table key");
        if (typeof key === "number" && Number.isNaN(key)) this.#fail("NaN used as a table key");
        put(key as LuaKey, hash[i + 1]);
      }
    }
    return tableFromPairs(pairs.values());
  }
}

function keyId(key: LuaKey): string {
  if (typeof key === "string") return `s${key}`;
  if (key instanceof Uint8Array) return `x${Buffer.from(key).toString("hex")}`;
  if (typeof key === "bigint") return Number.isSafeInteger(Number(key)) ? `n${Number(key)}` : `i${key}`;
  return typeof key === "number" ? `n${key}` : `b${key}`;
}
