/**
 * Writes values as Lua source in exactly the style of Prosody's `util.serialization` (the
 * default, indented preset), so that files we write are byte-for-byte what Prosody would
 * write for the same table (up to the order of hash keys, which Lua does not fix either).
 */
import { Element } from "ltx";
import { storageError } from "../../errors.js";
import { LuaTable, MAX_DEPTH, setField, type LuaKey, type Value, type ValueObject } from "../../values/index.js";
import { formatFloat18g } from "./format-float.js";

/** The escape of every byte that cannot stand for itself inside a double-quoted string. */
const BYTE_ESCAPES: string[] = (() => {
  const named: Record<number, string> = {
    7: "\\a", 8: "\\b", 12: "\\f", 10: "\\n", 13: "\\r", 9: "\\t", 11: "\\v", 92: "\\\\", 34: '\\"', 39: "\\'",
  };
  const table: string[] = [];
  for (let byte = 0; byte < 256; byte++) {
    if (named[byte] !== undefined) table.push(named[byte]);
    else if (byte < 32 || byte >= 127) table.push(`\\${String(byte).padStart(3, "0")}`);
    else table.push(String.fromCharCode(byte));
  }
  return table;
})();

function needsEscape(code: number): boolean {
  return code < 32 || code >= 127 || code === 34 || code === 39 || code === 92;
}

function quoteBytes(bytes: Uint8Array): string {
  const parts: string[] = ['"'];
  for (let i = 0; i < bytes.length; i++) parts.push(BYTE_ESCAPES[bytes[i]]);
  parts.push('"');
  return parts.join("");
}

/** Escapes of the UTF-8 bytes of one code point (>= 0x80), without an encoder allocation. */
function escapeCodePoint(code: number): string {
  const e = BYTE_ESCAPES;
  if (code < 0x800) return e[0xc0 | (code >> 6)] + e[0x80 | (code & 0x3f)];
  if (code < 0x10000) return e[0xe0 | (code >> 12)] + e[0x80 | ((code >> 6) & 0x3f)] + e[0x80 | (code & 0x3f)];
  return e[0xf0 | (code >> 18)] + e[0x80 | ((code >> 12) & 0x3f)] + e[0x80 | ((code >> 6) & 0x3f)] + e[0x80 | (code & 0x3f)];
}

/** A Lua string literal of the UTF-8 bytes of `text` (or of raw bytes). */
export function quoteString(text: string | Uint8Array): string {
  if (typeof text !== "string") return quoteBytes(text);
  let first = 0;
  while (first < text.length && !needsEscape(text.charCodeAt(first))) first++;
  if (first === text.length) return `"${text}"`;
  // copy runs of printable ASCII as they are, escape the rest byte by byte
  let out = '"' + text.slice(0, first);
  let run = first;
  for (let i = first; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!needsEscape(code)) continue;
    if (run < i) out += text.slice(run, i);
    if (code < 0x80) {
      out += BYTE_ESCAPES[code];
    } else {
      let point = code;
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
        const low = text.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) {
          point = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
          i++;
        }
      }
      // a lone surrogate is written as U+FFFD, as TextEncoder would
      if (point >= 0xd800 && point <= 0xdfff) point = 0xfffd;
      out += escapeCodePoint(point);
    }
    run = i + 1;
  }
  if (run < text.length) out += text.slice(run);
  return out + '"';
}

/** A number as Prosody writes it: `%d` for integers, `%.18g` for floats, `(1/0)` style for the rest. */
export function formatNumber(value: number | bigint): string {
  if (typeof value === "bigint") return value.toString();
  // Prosody writes the float -0 as "-0", which Lua 5.3+ reads back as the integer 0; "-0.0"
  // stays -0 in every Lua (and here), as the JSON codec writes it for the SQL backends.
  if (Number.isSafeInteger(value)) return Object.is(value, -0) ? "-0.0" : String(value);
  if (value === Infinity) return "(1/0)";
  if (value === -Infinity) return "(-1/0)";
  if (Number.isNaN(value)) return "(0/0)";
  return formatFloat18g(value);
}

function formatScalar(value: Value | LuaKey, where: string): string {
  switch (typeof value) {
    case "string":
      return quoteString(value);
    case "number":
    case "bigint":
      return formatNumber(value);
    case "boolean":
      return value ? "true" : "false";
    default:
      if (value instanceof Uint8Array) return quoteBytes(value);
      throw storageError("unsupported-datatype", `a ${typeof value} cannot be written as Lua`, { object: where });
  }
}

function isTableLike(value: Value): value is Value[] | ValueObject | LuaTable | Element {
  return typeof value === "object" && !(value instanceof Uint8Array);
}

/** Length of the array part of a LuaTable: keys 1..n all present. */
function arrayPartLength(table: LuaTable): number {
  let n = 0;
  while (table.has(n + 1)) n++;
  return n;
}

function isArrayIndex(key: LuaKey, n: number): boolean {
  const index = typeof key === "bigint" ? Number(key) : key;
  return typeof index === "number" && Number.isInteger(index) && index >= 1 && index <= n;
}

/**
 * Writes tables into `out` as Prosody's writer does: each field on its own line, indented by
 * depth, the array part first as bare values, then `[key] = value`, each followed by `;`.
 */
class TableWriter {
  readonly out: string[] = [];
  constructor(private readonly where: string) {}

  value(value: Value, depth: number): void {
    if (!isTableLike(value)) {
      this.out.push(formatScalar(value, this.where));
      return;
    }
    // The values layer admits nothing deeper (see MAX_DEPTH); this guards writes that bypass it.
    if (depth > MAX_DEPTH) {
      throw storageError("unsupported-datatype", `tables nested deeper than ${MAX_DEPTH} cannot be written as Lua`, { object: this.where });
    }
    const out = this.out;
    const mark = out.length;
    const indent = "\n" + "\t".repeat(depth);
    out.push("{");
    if (Array.isArray(value)) {
      this.array(value, indent, depth);
    } else if (value instanceof Element) {
      this.element(value, indent, depth);
    } else if (value instanceof LuaTable) {
      const n = arrayPartLength(value);
      for (let i = 1; i <= n; i++) this.field(undefined, value.get(i)!, indent, depth);
      for (const [key, item] of value) if (!isArrayIndex(key, n)) this.field(key, item, indent, depth);
    } else {
      for (const key of Object.keys(value)) {
        const item = value[key];
        if (item !== undefined && item !== null) this.field(key, item, indent, depth);
      }
    }
    if (out.length === mark + 1) out.push("}");
    else out.push("\n" + "\t".repeat(depth - 1) + "}");
  }

  private field(key: LuaKey | undefined, item: Value, indent: string, depth: number): void {
    const out = this.out;
    out.push(key === undefined ? indent : indent + "[" + formatScalar(key, this.where) + "] = ");
    this.value(item, depth + 1);
    out.push(";");
  }

  private array(value: Value[], indent: string, depth: number): void {
    let n = 0;
    while (n < value.length && value[n] !== undefined && value[n] !== null) this.field(undefined, value[n++], indent, depth);
    // after a hole, the remaining items need explicit keys
    for (let i = n; i < value.length; i++) {
      const item = value[i];
      if (item !== undefined && item !== null) this.field(i + 1, item, indent, depth);
    }
  }

  /** `st.preserialize`: children as the array part, then `name` and `attr`. */
  private element(element: Element, indent: string, depth: number): void {
    for (const child of element.children) {
      if (typeof child === "string" || child instanceof Element) this.field(undefined, child, indent, depth);
    }
    this.field("name", element.name, indent, depth);
    const attr: ValueObject = {};
    for (const [name, value] of Object.entries(element.attrs ?? {})) {
      if (value !== undefined && value !== null) setField(attr, name, String(value));
    }
    this.field("attr", attr, indent, depth);
  }
}

/**
 * One value as Prosody's `util.serialization.serialize` writes it. Strings are written as
 * their UTF-8 bytes and `Uint8Array`s as their bytes, with every byte outside printable
 * ASCII as `\ddd`, so the text is pure ASCII. An ltx Element is written as the table
 * `st.preserialize` makes of it. Throws `unsupported-datatype` for what Lua cannot hold.
 */
export function serializeValue(value: Value, where = "value"): string {
  if (!isTableLike(value)) return formatScalar(value, where);
  const writer = new TableWriter(where);
  writer.value(value, 1);
  return writer.out.join("");
}

/** A whole `.dat` file: `return <value>;\n`, as `util.datamanager.store` writes it. */
export function serializeDatFile(value: Value, where?: string): string {
  return `return ${serializeValue(value, where)};\n`;
}

/** One `.list` entry: `item(<value>);\n`, as `util.datamanager.list_append` writes it. */
export function serializeListItem(value: Value, where?: string): string {
  return `item(${serializeValue(value, where)});\n`;
}
