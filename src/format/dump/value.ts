import { Element, parse as parseXml } from "ltx";
import { StorageError, storageError } from "../../errors.js";
import {
  LuaTable,
  isPlainObject,
  stringFromBytes,
  tableFromPairs,
  tablePairs,
  type LuaKey,
  type Value,
  type ValueObject,
} from "../../values/index.js";
import { canonicalXml } from "../xml/canonical.js";
import { compareLuaKeys } from "./key-order.js";

/** A JSON value as the dump format writes it (no `null`, no non-finite numbers). */
export type DumpJson = string | number | boolean | DumpJson[] | { [key: string]: DumpJson };

const MARKERS = new Set(["$bytes", "$int", "$number", "$table", "$xml"]);

function fail(where: string, what: string, cause?: unknown): never {
  throw storageError("invalid-input", what, cause === undefined ? { backend: "dump", object: where } : { backend: "dump", object: where, cause });
}

function encodeNumber(n: number): DumpJson {
  if (Number.isFinite(n)) return n;
  return { $number: Number.isNaN(n) ? "nan" : n > 0 ? "inf" : "-inf" };
}

function encodeBigint(n: bigint): DumpJson {
  const asNumber = Number(n);
  return Number.isSafeInteger(asNumber) ? asNumber : { $int: n.toString() };
}

function encodeBytes(bytes: Uint8Array): DumpJson {
  const text = stringFromBytes(bytes);
  return typeof text === "string" ? text : { $bytes: Buffer.from(bytes).toString("base64") };
}

/** Pairs in `$table` order, which also puts keys 1..n in sequence for tableFromPairs. */
function sortedPairs(pairs: Iterable<[LuaKey, Value]>): Array<[LuaKey, Value]> {
  return Array.from(pairs).sort(([a], [b]) => compareLuaKeys(a, b));
}

function encodeTable(pairs: Array<[LuaKey, Value]>): DumpJson {
  const shaped = tableFromPairs(pairs);
  if (Array.isArray(shaped)) return shaped.map(encodeDumpValue);
  if (isPlainObject(shaped) && !Object.keys(shaped).some((key) => key.startsWith("$"))) {
    return Object.fromEntries(Object.keys(shaped).map((key) => [key, encodeDumpValue(shaped[key])]));
  }
  return { $table: pairs.map(([key, item]) => [encodeDumpValue(key), encodeDumpValue(item)]) };
}

/**
 * A stored value in the dump format's tagged JSON form (dump-format.md, "VALUE"): byte strings
 * that are not UTF-8 as `{"$bytes"}`, integers beyond ±(2^53−1) as `{"$int"}`, non-finite
 * numbers as `{"$number"}`, tables with keys 1..n as arrays, string-keyed tables as objects,
 * other tables (and string-keyed ones with a key starting with `$`) as `{"$table": [[k, v], …]}`
 * sorted booleans, numbers, strings; XML elements as `{"$xml": canonicalXml}`.
 * The result depends only on the value in Lua terms, never on its JavaScript shape.
 */
export function encodeDumpValue(value: Value): DumpJson {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return encodeNumber(value);
    case "bigint":
      return encodeBigint(value);
  }
  if (value instanceof Uint8Array) return encodeBytes(value);
  if (value instanceof Element) return { $xml: canonicalXml(value) };
  if (Array.isArray(value) || value instanceof LuaTable || isPlainObject(value)) {
    return encodeTable(sortedPairs(tablePairs(value)));
  }
  return fail("value", `cannot encode a value of type ${typeof value}`);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decodeMarker(marker: string, body: unknown, where: string): Value {
  switch (marker) {
    case "$bytes":
      if (typeof body !== "string" || !BASE64.test(body)) fail(where, "$bytes must hold padded standard base64");
      return stringFromBytes(new Uint8Array(Buffer.from(body, "base64")));
    case "$int": {
      if (typeof body !== "string" || !/^-?[0-9]+$/.test(body)) fail(where, "$int must hold a decimal integer");
      const big = BigInt(body);
      if (big < -(2n ** 63n) || big >= 2n ** 63n) fail(where, "$int is outside the 64-bit range");
      return Number.isSafeInteger(Number(big)) ? Number(big) : big;
    }
    case "$number":
      if (body === "inf") return Infinity;
      if (body === "-inf") return -Infinity;
      if (body === "nan") return NaN;
      return fail(where, '$number must be "inf", "-inf" or "nan"');
    case "$table":
      return decodeTable(body, where);
    case "$xml":
      return decodeXml(body, where);
    default:
      return fail(where, `unknown marker ${marker}`);
  }
}

function decodeTable(body: unknown, where: string): Value {
  if (!Array.isArray(body)) fail(where, "$table must hold a list of [key, value] pairs");
  const pairs = body.map((pair, i): [LuaKey, Value] => {
    const at = `${where}.$table[${i}]`;
    if (!Array.isArray(pair) || pair.length !== 2) fail(at, "a $table entry must be a [key, value] pair");
    const key = decodeDumpValue(pair[0], `${at}[0]`);
    if (typeof key === "object" && !(key instanceof Uint8Array)) fail(at, "a table key must be a string, number or boolean");
    if (typeof key === "number" && Number.isNaN(key)) fail(at, "a table key cannot be NaN");
    return [key as LuaKey, decodeDumpValue(pair[1], `${at}[1]`)];
  });
  return tableFromPairs(sortedPairs(pairs));
}

function decodeXml(body: unknown, where: string): Element {
  if (typeof body !== "string") fail(where, "$xml must hold an XML string");
  try {
    const element = parseXml(body);
    if (!(element instanceof Element)) fail(where, "$xml holds no element");
    return element;
  } catch (error) {
    if (error instanceof StorageError) throw error;
    return fail(where, `$xml is not well-formed XML: ${(error as Error).message}`, error);
  }
}

/**
 * The exact inverse of {@link encodeDumpValue}: a parsed dump VALUE back to a {@link Value} in
 * canonical form (`$xml` parsed with ltx). Anything the encoder cannot produce (null, an unknown
 * `$` marker, a `$` key outside `$table`, malformed base64) is rejected with `invalid-input`
 * naming where in the value it is (`where` prefixes that path).
 */
export function decodeDumpValue(json: unknown, where = "value"): Value {
  switch (typeof json) {
    case "string":
    case "boolean":
      return json;
    case "number":
      if (!Number.isFinite(json)) fail(where, "non-finite numbers must be written as $number");
      return json;
    case "object":
      break;
    default:
      return fail(where, `a JSON ${typeof json} is not a dump value`);
  }
  if (json === null) return fail(where, "null is not a dump value");
  if (Array.isArray(json)) {
    if (json.length === 0) return {};
    return json.map((item, i) => decodeDumpValue(item, `${where}[${i}]`));
  }
  const keys = Object.keys(json);
  if (keys.length === 1 && keys[0].startsWith("$")) {
    return decodeMarker(keys[0], (json as Record<string, unknown>)[keys[0]], where);
  }
  const entries = keys.map((key): [string, Value] => {
    if (key.startsWith("$")) {
      fail(where, `key ${JSON.stringify(key)} starts with $ (${MARKERS.has(key) ? "a marker must stand alone" : "such tables are written as $table"})`);
    }
    return [key, decodeDumpValue((json as Record<string, unknown>)[key], `${where}[${JSON.stringify(key)}]`)];
  });
  return Object.fromEntries(entries) as ValueObject;
}
