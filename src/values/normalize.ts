import { Element } from "ltx";
import { storageError } from "../errors.js";
import { LuaTable, isPlainObject, type LuaKey, type Value } from "./types.js";
import { stringFromBytes, tableFromPairs, tablePairs } from "./table.js";
import { setField } from "./dictionary.js";
import { isXmlName, nonXmlChar } from "./xml-chars.js";

/**
 * How deep a stored value may nest, counted as the Lua tables Prosody's serializer writes for it:
 * a table is one level, an XML element one level plus one for its `attr` table. Lua 5.4's
 * parser gives up ("C stack overflow") at 197 levels, less inside Prosody's call stack, so a
 * deeper `.dat` or `.list` file could not be loaded by Prosody. Every store checks values
 * against this one limit on the way in (see `normalizeValue`), and the Lua and JSON codecs
 * read and write exactly this much, so whatever one backend accepts every other does too and a
 * migration never fails on depth.
 */
export const MAX_DEPTH = 190;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function reject(where: string, what: string): never {
  throw storageError("unsupported-datatype", `${what} cannot be stored`, { object: where });
}

function checkString(value: string, where: string): string {
  if (!value.isWellFormed()) reject(where, "a string with a lone UTF-16 surrogate");
  return value;
}

function normalizeKey(key: LuaKey, where: string): LuaKey {
  switch (typeof key) {
    case "string":
      return checkString(key, where);
    case "number":
      if (Number.isNaN(key)) reject(where, "a NaN table key");
      return key;
    case "bigint":
      return normalizeBigint(key, where);
    case "boolean":
      return key;
    default:
      if (key instanceof Uint8Array) return stringFromBytes(Uint8Array.from(key));
      return reject(where, `a key of type ${typeof key}`);
  }
}

function normalizeBigint(value: bigint, where: string): number | bigint {
  if (value < INT64_MIN || value > INT64_MAX) reject(where, "an integer outside the 64-bit range");
  const asNumber = Number(value);
  return Number.isSafeInteger(asNumber) ? asNumber : value;
}

/** Text of a stanza: a well-formed string of characters XML can carry (else `invalid-input`). */
function checkXmlText(text: string, where: string): string {
  const bad = nonXmlChar(checkString(text, where));
  if (bad) throw storageError("invalid-input", `XML cannot carry the character ${bad}`, { object: where });
  return text;
}

function checkXmlName(name: string, where: string, what: string): void {
  if (!isXmlName(name)) throw storageError("invalid-input", `${JSON.stringify(name)} is not an XML ${what} name`, { object: where });
}

function normalizeElement(element: Element, where: string, depth: number): Element {
  if (typeof element.name !== "string" || element.name === "") reject(where, "an element without a name");
  // The element's table is level depth + 1, its attr table depth + 2.
  if (depth + 2 > MAX_DEPTH) reject(where, `XML nested deeper than ${MAX_DEPTH} levels`);
  checkXmlName(element.name, where, "element");
  const attrs: Record<string, string> = {};
  for (const [name, attr] of Object.entries(element.attrs ?? {})) {
    if (attr === undefined || attr === null) continue;
    if (typeof attr !== "string" && typeof attr !== "number") reject(`${where}@${name}`, `an attribute of type ${typeof attr}`);
    checkXmlName(name, where, "attribute");
    attrs[name] = checkXmlText(String(attr), `${where}@${name}`);
  }
  const copy = new Element(element.name, attrs);
  for (const child of element.children ?? []) {
    if (typeof child === "string") {
      copy.children.push(checkXmlText(child, where));
    } else if (child instanceof Element) {
      const inner = normalizeElement(child, `${where}/${child.name}`, depth + 1);
      inner.parent = copy;
      copy.children.push(inner);
    } else {
      reject(where, "an XML child that is neither text nor an element");
    }
  }
  return copy;
}

/**
 * Checks that `value` is something a Lua table can hold and returns a deep copy of it in the
 * canonical form (see {@link Value}): tables re-shaped by their keys, valid-UTF-8 byte strings
 * as strings, safe bigints as numbers. Throws `unsupported-datatype` naming the offending path.
 * Stores call it on the way in and on the way out, so callers never share a reference with them.
 * `storedIn` is how many tables the store keeps the value inside (1 for a map value, which is a
 * field of the user's record), counted against {@link MAX_DEPTH}.
 */
export function normalizeValue(value: unknown, where = "value", storedIn = 0): Value {
  return walk(value, where, storedIn, new Set());
}

/**
 * Where in a value the walk is; turned into text (`data["a"][1]`) only when something is
 * rejected, so that copying a large valid value builds no path strings.
 */
interface Path {
  readonly parent: Path | string;
  readonly key: LuaKey;
}

function pathText(path: Path | string): string {
  if (typeof path === "string") return path;
  const { key } = path;
  return `${pathText(path.parent)}[${typeof key === "string" ? JSON.stringify(key) : String(key)}]`;
}

function walk(value: unknown, where: Path | string, depth: number, ancestors: Set<object>): Value {
  switch (typeof value) {
    case "string":
      return value.isWellFormed() ? value : checkString(value, pathText(where));
    case "number":
    case "boolean":
      return value;
    case "bigint":
      return normalizeBigint(value, pathText(where));
    case "object":
      break;
    default:
      return reject(pathText(where), `a value of type ${typeof value}`);
  }
  if (value === null) return reject(pathText(where), "null");
  if (value instanceof Element) return normalizeElement(value, pathText(where), depth);
  if (value instanceof Uint8Array) return stringFromBytes(Uint8Array.from(value));
  const isArray = Array.isArray(value);
  const isObject = !isArray && isPlainObject(value);
  if (!(isArray || isObject || value instanceof LuaTable)) {
    return reject(pathText(where), `an object of class ${value.constructor?.name ?? "unknown"}`);
  }
  if (ancestors.has(value)) reject(pathText(where), "a table that contains itself");
  if (depth >= MAX_DEPTH) reject(pathText(where), `a table nested deeper than ${MAX_DEPTH} levels`);
  ancestors.add(value);
  let copy: Value;
  if (isObject) copy = walkObject(value as Record<string, unknown>, where, depth, ancestors);
  else if (isArray && !(value as unknown[]).some((item) => item === undefined || item === null)) {
    copy = (value as unknown[]).map((item, i) => walk(item, { parent: where, key: i + 1 }, depth + 1, ancestors));
  } else {
    // Sparse arrays and general tables: their shape depends on all their keys.
    const pairs: Array<[LuaKey, Value]> = [];
    for (const [key, item] of tablePairs(value as never)) {
      const path = { parent: where, key };
      // the path's text is built only for a key that needs checking beyond the common cases
      const plain = typeof key === "boolean" || (typeof key === "string" && key.isWellFormed()) || (typeof key === "number" && !Number.isNaN(key));
      pairs.push([plain ? key : normalizeKey(key, pathText(path)), walk(item, path, depth + 1, ancestors)]);
    }
    copy = tableFromPairs(pairs);
  }
  ancestors.delete(value);
  return copy;
}

/** The common case, a string-keyed object, copied directly: it stays an object whatever its keys. */
function walkObject(value: Record<string, unknown>, where: Path | string, depth: number, ancestors: Set<object>): Value {
  const copy: Record<string, Value> = {};
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (item === undefined || item === null) continue;
    let inner: Value;
    // leaves that need no change are copied as they are, without a path or a call
    if (key.isWellFormed() && (typeof item === "number" || typeof item === "boolean" || (typeof item === "string" && item.isWellFormed()))) {
      inner = item;
    } else {
      const path = { parent: where, key };
      if (!key.isWellFormed()) checkString(key, pathText(path));
      inner = walk(item, path, depth + 1, ancestors);
    }
    // A "__proto__" key is data, not the object's prototype.
    setField(copy, key, inner);
  }
  return copy;
}

/** A deep copy of a value that is already known to be valid. */
export function copyValue<T extends Value>(value: T): T {
  return normalizeValue(value) as T;
}

/** True for a table with no pairs, which Prosody treats as "nothing stored". */
export function isEmptyTable(value: Value): boolean {
  if (value instanceof LuaTable) return value.size === 0;
  if (Array.isArray(value)) {
    for (const item of value) if (item !== undefined && item !== null) return false;
    return true;
  }
  if (isPlainObject(value)) {
    for (const key in value) if (value[key] !== undefined && value[key] !== null) return false;
    return true;
  }
  return false;
}
