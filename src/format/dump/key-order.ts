import type { LuaKey } from "../../values/index.js";

/** Rank of a key's kind in a `$table`: booleans, then numbers, then strings, then byte strings. */
function rank(key: LuaKey): number {
  switch (typeof key) {
    case "boolean":
      return 0;
    case "number":
    case "bigint":
      return 1;
    case "string":
      return 2;
    default:
      return 3;
  }
}

/** Compares a double with a bigint exactly (no rounding of either side). */
function compareNumberBigint(n: number, big: bigint): number {
  if (!Number.isFinite(n)) return n > 0 ? 1 : -1;
  const floor = BigInt(Math.floor(n));
  if (floor !== big) return floor < big ? -1 : 1;
  return Number.isInteger(n) ? 0 : 1;
}

function compareNumeric(a: number | bigint, b: number | bigint): number {
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "bigint" && typeof b === "bigint") return a < b ? -1 : a > b ? 1 : 0;
  return typeof a === "number" ? compareNumberBigint(a, b as bigint) : -compareNumberBigint(b as number, a);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/**
 * The order of `$table` pairs in a dump: booleans (false first), numbers ascending, strings by
 * UTF-16 code units, and last strings that are not UTF-8 (byte strings), bytewise. The contract
 * names the first three; byte-string keys are rare enough that it leaves them out.
 */
export function compareLuaKeys(a: LuaKey, b: LuaKey): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0:
      return Number(a) - Number(b);
    case 1:
      return compareNumeric(a as number | bigint, b as number | bigint);
    case 2:
      return a < b ? -1 : a > b ? 1 : 0;
    default:
      return compareBytes(a as Uint8Array, b as Uint8Array);
  }
}
