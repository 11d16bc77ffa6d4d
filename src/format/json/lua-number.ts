import { storageError } from "../../errors.js";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER = /^[+-]?\d+$/;

/**
 * A number as text that Lua 5.4's `tonumber` reads back as the same value, with no precision
 * lost (Prosody's own `tostring` keeps only 14 digits). Safe integers are written as integers,
 * other numbers in the shortest form that round-trips (`0.30000000000000004`), floats beyond
 * 2^53 in exponent form so Lua keeps them floats, `-0` as `-0.0`, infinities as `1e9999` /
 * `-1e9999` (which `tonumber` reads as ±inf; Prosody writes `inf`, which it cannot read).
 * NaN has no text `tonumber` accepts, so it is rejected (`unsupported-datatype`).
 */
export function formatLuaNumber(value: number | bigint, where = "value"): string {
  if (typeof value === "bigint") return value.toString();
  if (Number.isSafeInteger(value)) return Object.is(value, -0) ? "-0.0" : String(value);
  if (value === Infinity) return "1e9999";
  if (value === -Infinity) return "-1e9999";
  if (Number.isNaN(value)) {
    throw storageError("unsupported-datatype", "NaN cannot be stored in a form Prosody reads back", { object: where });
  }
  return Number.isInteger(value) ? value.toExponential() : String(value);
}

/**
 * Reads a number as Lua's `tonumber` does for the texts Prosody writes: decimal integers that
 * fit 64 bits stay integers (a `bigint` beyond 2^53), anything else is a float. Also accepts
 * what Prosody writes but cannot itself read back: `inf`, `-inf`, `nan`, `-nan`.
 * Returns `undefined` for text that is not a number.
 */
export function parseLuaNumber(text: string): number | bigint | undefined {
  const trimmed = text.trim();
  if (INTEGER.test(trimmed)) {
    const big = BigInt(trimmed);
    if (big >= INT64_MIN && big <= INT64_MAX) {
      const small = Number(big);
      return Number.isSafeInteger(small) ? small : big;
    }
    return Number(trimmed);
  }
  switch (trimmed) {
    case "inf":
      return Infinity;
    case "-inf":
      return -Infinity;
    case "nan":
    case "-nan":
      return NaN;
  }
  if (trimmed === "" || /[^0-9eE.+\-xXa-fA-FpP]/.test(trimmed)) return undefined;
  if (/^[+-]?0[xX]/.test(trimmed)) {
    const negative = trimmed.startsWith("-");
    const hex = Number.parseInt(trimmed.replace(/^[+-]?0[xX]/, ""), 16);
    return Number.isNaN(hex) ? undefined : negative ? -hex : hex;
  }
  const number = Number(trimmed);
  return Number.isNaN(number) ? undefined : number;
}
