/**
 * Writes values as Lua source in exactly the style of Prosody's `util.serialization` (the
 * default, indented preset), so that files we write are byte-for-byte what Prosody would
 * write for the same table (up to the order of hash keys, which Lua does not fix either).
 */
import { Element } from "ltx";
import { StorageError } from "../../errors.js";
import { LuaTable, type LuaKey, type Value, type ValueObject } from "../../values/index.js";
import { formatFloat18g } from "./format-float.js";

/**
 * How deep tables may nest in what we write. Lua 5.4's parser gives up ("C stack overflow")
 * a little below 200 levels, so anything deeper would be a file Prosody cannot load.
 */
export const WRITE_MAX_DEPTH = 190;

const encoder = new TextEncoder();

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
  let out = '"';
  for (let i = 0; i < bytes.length; i++) out += BYTE_ESCAPES[bytes[i]];
  return out + '"';
}

/** A Lua string literal of the UTF-8 bytes of `text` (or of raw bytes). */
export function quoteString(text: string | Uint8Array): string {
  if (typeof text !== "string") return quoteBytes(text);
  for (let i = 0; i < text.length; i++) {
    if (needsEscape(text.charCodeAt(i))) return quoteBytes(encoder.encode(text));
  }
  return `"${text}"`;
}

/** A number as Prosody writes it: `%d` for integers, `%.18g` for floats, `(1/0)` style for the rest. */
export function formatNumber(value: number | bigint): string {
  if (typeof value === "bigint") return value.toString();
  if (Number.isSafeInteger(value)) return Object.is(value, -0) ? "-0" : String(value);
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
      throw new StorageError("unsupported-datatype", `${where}: a ${typeof value} cannot be written as Lua`);
  }
}

/** Collects the fields of one table, array part first, as Prosody's writer orders them. */
interface Field {
  key: LuaKey | undefined; // undefined: a positional (array part) value
  value: Value;
}

function fieldsOf(value: Value[] | ValueObject | LuaTable | Element): Field[] {
  const fields: Field[] = [];
  if (Array.isArray(value)) {
    for (const item of value) if (item !== undefined && item !== null) fields.push({ key: undefined, value: item });
    // a hole in an array ends its array part; later items need explicit keys
    if (fields.length !== value.length) return fieldsOfPairs(value.map((item, i) => [i + 1, item] as [LuaKey, Value]));
    return fields;
  }
  if (value instanceof Element) return elementFields(value);
  if (value instanceof LuaTable) return fieldsOfPairs(value.entries());
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (item !== undefined && item !== null) fields.push({ key, value: item });
  }
  return fields;
}

function fieldsOfPairs(pairs: Iterable<[LuaKey, Value]>): Field[] {
  const table = new LuaTable();
  for (const [key, item] of pairs) if (item !== undefined && item !== null) table.set(key, item);
  const fields: Field[] = [];
  let n = 0;
  for (;;) {
    const item = table.get(n + 1);
    if (item === undefined) break;
    fields.push({ key: undefined, value: item });
    n++;
  }
  for (const [key, item] of table) {
    const index = typeof key === "bigint" ? Number(key) : key;
    if (typeof index === "number" && Number.isInteger(index) && index >= 1 && index <= n) continue;
    fields.push({ key, value: item });
  }
  return fields;
}

/** `st.preserialize(stanza)`: children as the array part, then `name` and `attr`. */
function elementFields(element: Element): Field[] {
  const fields: Field[] = [];
  for (const child of element.children) {
    if (typeof child === "string" || child instanceof Element) fields.push({ key: undefined, value: child });
  }
  const attr: ValueObject = {};
  for (const [name, attr_value] of Object.entries(element.attrs ?? {})) {
    if (attr_value !== undefined && attr_value !== null) attr[name] = String(attr_value);
  }
  fields.push({ key: "name", value: element.name });
  fields.push({ key: "attr", value: attr });
  return fields;
}

function isTableLike(value: Value): value is Value[] | ValueObject | LuaTable | Element {
  return typeof value === "object" && !(value instanceof Uint8Array);
}

function writeTable(value: Value[] | ValueObject | LuaTable | Element, depth: number, where: string): string {
  if (depth > WRITE_MAX_DEPTH) {
    throw new StorageError("unsupported-datatype", `${where}: tables nested deeper than ${WRITE_MAX_DEPTH} cannot be written as Lua`);
  }
  const fields = fieldsOf(value);
  if (fields.length === 0) return "{}";
  const indent = "\t".repeat(depth);
  let out = "{";
  for (const { key, value: item } of fields) {
    out += "\n" + indent;
    if (key !== undefined) out += "[" + formatScalar(key, where) + "] = ";
    out += isTableLike(item) ? writeTable(item, depth + 1, where) : formatScalar(item, where);
    out += ";";
  }
  return out + "\n" + "\t".repeat(depth - 1) + "}";
}

/**
 * One value as Prosody's `util.serialization.serialize` writes it. Strings are written as
 * their UTF-8 bytes and `Uint8Array`s as their bytes, with every byte outside printable
 * ASCII as `\ddd`, so the text is pure ASCII. An ltx Element is written as the table
 * `st.preserialize` makes of it. Throws `unsupported-datatype` for what Lua cannot hold.
 */
export function serializeValue(value: Value, where = "value"): string {
  return isTableLike(value) ? writeTable(value, 1, where) : formatScalar(value, where);
}

/** A whole `.dat` file: `return <value>;\n`, as `util.datamanager.store` writes it. */
export function serializeDatFile(value: Value, where?: string): string {
  return `return ${serializeValue(value, where)};\n`;
}

/** One `.list` entry: `item(<value>);\n`, as `util.datamanager.list_append` writes it. */
export function serializeListItem(value: Value, where?: string): string {
  return `item(${serializeValue(value, where)});\n`;
}
