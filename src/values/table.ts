import { LuaTable, isPlainObject, isTable, type LuaKey, type Value, type ValueObject } from "./types.js";
import { setField } from "./dictionary.js";

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** A Lua string given as bytes: a JS string when the bytes are valid UTF-8, else the bytes. */
export function stringFromBytes(bytes: Uint8Array): string | Uint8Array {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return bytes;
  }
}

/** The pairs of any table form, skipping `undefined`/`null` (Lua cannot hold `nil`). */
export function* tablePairs(table: Value[] | ValueObject | LuaTable): Generator<[LuaKey, Value]> {
  if (table instanceof LuaTable) {
    yield* table.entries();
  } else if (Array.isArray(table)) {
    for (let i = 0; i < table.length; i++) {
      const item = table[i] as Value | null | undefined;
      if (item !== undefined && item !== null) yield [i + 1, item];
    }
  } else {
    for (const key of Object.keys(table)) {
      const item = table[key] as Value | null | undefined;
      if (item !== undefined && item !== null) yield [key, item];
    }
  }
}

/** Number of pairs a table holds in Lua terms. */
export function tableSize(table: Value[] | ValueObject | LuaTable): number {
  let n = 0;
  for (const _ of tablePairs(table)) n++;
  return n;
}

/**
 * The canonical JavaScript form of a table given as pairs: an array for keys exactly 1..n,
 * an object for string keys only (and for the empty table), a LuaTable for anything else.
 */
export function tableFromPairs(pairs: Iterable<readonly [LuaKey, Value]>): Value[] | ValueObject | LuaTable {
  const list = Array.isArray(pairs) ? (pairs as Array<readonly [LuaKey, Value]>) : Array.from(pairs);
  if (list.length === 0) return {};
  if (list.every(([key]) => typeof key === "string")) {
    return Object.fromEntries(list) as ValueObject;
  }
  const n = list.length;
  const slots: Value[] = new Array(n);
  let isSequence = true;
  for (const [key, value] of list) {
    const index = typeof key === "bigint" ? Number(key) : key;
    if (typeof index !== "number" || !Number.isInteger(index) || index < 1 || index > n || index - 1 in slots) {
      isSequence = false;
      break;
    }
    slots[index - 1] = value;
  }
  if (isSequence) return slots;
  return new LuaTable(list);
}

/** Look up one key in any table form. */
export function tableGet(table: Value[] | ValueObject | LuaTable, key: LuaKey): Value | undefined {
  if (table instanceof LuaTable) return table.get(key);
  if (Array.isArray(table)) {
    return typeof key === "number" && Number.isInteger(key) && key >= 1 ? (table[key - 1] ?? undefined) : undefined;
  }
  return typeof key === "string" && Object.hasOwn(table, key) ? (table[key] ?? undefined) : undefined;
}

export { isPlainObject };

/**
 * The string-keyed fields of a stored table as a fresh object (other keys are dropped), or
 * `undefined` when the value is not a table. Used for records Prosody keeps as plain tables.
 */
export function stringFields(value: Value | undefined): ValueObject | undefined {
  if (value === undefined || !isTable(value)) return undefined;
  const out: ValueObject = {};
  for (const [key, inner] of tablePairs(value)) if (typeof key === "string") setField(out, key, inner);
  return out;
}

/** The pairs of a stored table, or none when it is not a table. */
export function pairsOf(value: Value | undefined): Array<[LuaKey, Value]> {
  return value !== undefined && isTable(value) ? Array.from(tablePairs(value)) : [];
}
