import { Element } from "ltx";
import { tablePairs, type LuaKey, type Value } from "../../values/index.js";
import { formatLuaNumber } from "./lua-number.js";

/**
 * Prosody's `util.json` encoding of Lua values, written so that Prosody decodes exactly what
 * was stored:
 * - a table whose keys are exactly 1..n is a JSON array; any other table is an object whose
 *   string keys are its properties, with the other keys as `"__hash": [k1, v1, k2, v2, …]`
 *   and the array part as `"__array": […]` (string keys `__hash`/`__array` go into `__hash`);
 *   the empty table is `{}`;
 * - numbers as {@link formatLuaNumber} (full precision, unlike Prosody's 14 digits);
 * - strings escaped as util.json does (`"`, `\`, control characters), other bytes raw;
 * - an Element nested in a table is written the way Prosody keeps stanzas inside tables
 *   (`st.preserialize`: `{ name, attr, [1..n] children }`) and so reads back as that table.
 * Strings that are not valid UTF-8 (`Uint8Array`) are written as their raw bytes, so the result
 * is a `Uint8Array` when there are any, else a string.
 */
export function encodeProsodyJson(value: Value, where = "value"): string | Uint8Array {
  const out = new JsonWriter();
  out.value(value, where);
  return out.result();
}

const ESCAPES: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t" };
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/g;

function escapeChar(ch: string): string {
  return ESCAPES[ch] ?? `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
}

function quote(text: string): string {
  return `"${text.replace(NEEDS_ESCAPE, escapeChar)}"`;
}

const SPECIAL_KEYS = new Set(["__array", "__hash"]);

function preserialized(element: Element): Value {
  const table: Record<string, Value> = { name: element.name, attr: { ...(element.attrs as Record<string, string>) } };
  const children = element.children.filter((child) => typeof child !== "string" || child !== "");
  return children.length === 0 ? table : Object.assign(table, { __children: children as Value[] });
}

class JsonWriter {
  #text = "";
  readonly #chunks: Array<string | Uint8Array> = [];

  result(): string | Uint8Array {
    if (this.#chunks.length === 0) return this.#text;
    this.#flush();
    return Buffer.concat(this.#chunks.map((chunk) => (typeof chunk === "string" ? Buffer.from(chunk) : chunk)));
  }

  #flush(): void {
    if (this.#text !== "") this.#chunks.push(this.#text);
    this.#text = "";
  }

  #bytes(bytes: Uint8Array): void {
    this.#flush();
    const parts: number[] = [0x22];
    for (const byte of bytes) {
      if (byte < 0x20 || byte === 0x22 || byte === 0x5c) {
        for (const c of escapeChar(String.fromCharCode(byte))) parts.push(c.charCodeAt(0));
      } else {
        parts.push(byte);
      }
    }
    parts.push(0x22);
    this.#chunks.push(Uint8Array.from(parts));
  }

  #string(text: string | Uint8Array): void {
    if (typeof text === "string") this.#text += quote(text);
    else this.#bytes(text);
  }

  #key(key: LuaKey, where: string): void {
    if (typeof key === "string" || key instanceof Uint8Array) this.#string(key);
    else this.value(key, where);
  }

  value(value: Value, where: string): void {
    switch (typeof value) {
      case "string":
        this.#text += quote(value);
        return;
      case "number":
      case "bigint":
        this.#text += formatLuaNumber(value, where);
        return;
      case "boolean":
        this.#text += value ? "true" : "false";
        return;
    }
    if (value instanceof Uint8Array) return this.#string(value);
    if (value instanceof Element) return this.#element(value, where);
    this.#table(value, where);
  }

  #element(element: Element, where: string): void {
    const { __children, ...rest } = preserialized(element) as Record<string, Value>;
    if (__children === undefined) return this.#table(rest, where);
    this.#text += "{";
    this.#properties(Object.entries(rest), where);
    this.#text += ',"__array":';
    this.#array(__children as Value[], `${where}/${element.name}`);
    this.#text += "}";
  }

  #array(items: Value[], where: string): void {
    this.#text += "[";
    items.forEach((item, i) => {
      if (i > 0) this.#text += ",";
      this.value(item, `${where}[${i + 1}]`);
    });
    this.#text += "]";
  }

  #properties(entries: Array<[LuaKey, Value]>, where: string): void {
    entries.forEach(([key, item], i) => {
      if (i > 0) this.#text += ",";
      this.#key(key, where);
      this.#text += ":";
      this.value(item, `${where}[${JSON.stringify(String(key))}]`);
    });
  }

  #table(table: Value, where: string): void {
    const pairs = [...tablePairs(table as never)];
    // The array part, as Lua's ipairs sees it: 1, 2, … up to the first missing index.
    const byIndex = new Map<number, Value>();
    for (const [key, item] of pairs) if (typeof key === "number" && Number.isInteger(key) && key >= 1) byIndex.set(key, item);
    const array: Value[] = [];
    while (byIndex.has(array.length + 1)) array.push(byIndex.get(array.length + 1)!);
    const hash: Array<[LuaKey, Value]> = [];
    const other: Array<[LuaKey, Value]> = [];
    for (const [key, item] of pairs) {
      if ((typeof key === "string" || key instanceof Uint8Array) && !(typeof key === "string" && SPECIAL_KEYS.has(key))) {
        hash.push([key, item]);
      } else if (!(typeof key === "number" && Number.isInteger(key) && key >= 1 && key <= array.length)) {
        other.push([key, item]);
      }
    }
    if (hash.length === 0 && other.length === 0 && array.length > 0) return this.#array(array, where);
    this.#text += "{";
    this.#properties(hash, where);
    let first = hash.length === 0;
    if (other.length > 0) {
      this.#text += first ? '"__hash":[' : ',"__hash":[';
      other.forEach(([key, item], i) => {
        if (i > 0) this.#text += ",";
        this.#key(key, where);
        this.#text += ",";
        this.value(item, `${where}[${String(key)}]`);
      });
      this.#text += "]";
      first = false;
    }
    if (array.length > 0) {
      this.#text += first ? '"__array":' : ',"__array":';
      this.#array(array, where);
    }
    this.#text += "}";
  }
}
