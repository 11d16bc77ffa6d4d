import { Element } from "ltx";
import { LuaTable, isTable, type Value } from "./types.js";
import { tablePairs } from "./table.js";

const encoder = new TextEncoder();

function bytesOf(value: string | Uint8Array): Uint8Array {
  return typeof value === "string" ? encoder.encode(value) : value;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function numbersEqual(a: number | bigint, b: number | bigint): boolean {
  if (typeof a === "number" && typeof b === "number") return a === b || (Number.isNaN(a) && Number.isNaN(b));
  if (typeof a === "bigint" && typeof b === "bigint") return a === b;
  const [n, big] = typeof a === "number" ? [a, b as bigint] : [b as number, a];
  return Number.isInteger(n) && BigInt(n) === big;
}

/** Children with adjacent text merged and empty text dropped: parsers split text freely. */
function normalizedChildren(element: Element): Array<Element | string> {
  const out: Array<Element | string> = [];
  for (const child of element.children) {
    if (typeof child === "string") {
      if (child === "") continue;
      const last = out.length - 1;
      if (last >= 0 && typeof out[last] === "string") out[last] = (out[last] as string) + child;
      else out.push(child);
    } else {
      out.push(child);
    }
  }
  return out;
}

export function elementsEqual(a: Element, b: Element): boolean {
  if (a.name !== b.name) return false;
  const aKeys = Object.keys(a.attrs).filter((k) => a.attrs[k] !== undefined && a.attrs[k] !== null);
  const bKeys = Object.keys(b.attrs).filter((k) => b.attrs[k] !== undefined && b.attrs[k] !== null);
  if (aKeys.length !== bKeys.length) return false;
  for (const key of aKeys) {
    if (b.attrs[key] === undefined || b.attrs[key] === null) return false;
    if (String(a.attrs[key]) !== String(b.attrs[key])) return false;
  }
  const ac = normalizedChildren(a);
  const bc = normalizedChildren(b);
  if (ac.length !== bc.length) return false;
  for (let i = 0; i < ac.length; i++) {
    const x = ac[i];
    const y = bc[i];
    if (typeof x === "string" || typeof y === "string") {
      if (x !== y) return false;
    } else if (!elementsEqual(x, y)) {
      return false;
    }
  }
  return true;
}

function tablesEqual(a: Value, b: Value): boolean {
  const left = new LuaTable(tablePairs(a as never));
  const right = new LuaTable(tablePairs(b as never));
  if (left.size !== right.size) return false;
  for (const [key, value] of left) {
    const other = right.get(key);
    if (other === undefined || !valuesEqual(value, other)) return false;
  }
  return true;
}

/**
 * Equality in Lua's terms: tables are equal when they hold the same pairs, whatever JS form
 * they take (`[]` equals `{}`); a string equals the Uint8Array of its UTF-8 bytes; `1` equals
 * `1n`; NaN equals NaN, so that stored values can be compared with what was written.
 */
export function valuesEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if ((typeof a === "number" || typeof a === "bigint") && (typeof b === "number" || typeof b === "bigint")) {
    return numbersEqual(a, b);
  }
  if ((typeof a === "string" || a instanceof Uint8Array) && (typeof b === "string" || b instanceof Uint8Array)) {
    if (typeof a === "string" && typeof b === "string") return false;
    return bytesEqual(bytesOf(a), bytesOf(b));
  }
  if (a instanceof Element || b instanceof Element) {
    return a instanceof Element && b instanceof Element && elementsEqual(a, b);
  }
  if (isTable(a) && isTable(b)) return tablesEqual(a, b);
  return false;
}
