import { Element } from "ltx";

/**
 * A key of a general Lua table. Strings that are not valid UTF-8 are `Uint8Array`s; integers
 * beyond JavaScript's safe range are `bigint`s; integral numbers within it are `number`s.
 */
export type LuaKey = string | number | bigint | boolean | Uint8Array;

/**
 * What a store holds: the values a Lua table can hold, in their most natural JavaScript form.
 *
 * - Lua strings are JS strings, or `Uint8Array` when their bytes are not valid UTF-8.
 * - Lua integers outside ±(2^53−1) are `bigint`; every other number is a `number`.
 * - A table whose keys are exactly 1..n is an array; one with only string keys is an object;
 *   any other table (a `false` key, number keys, a sparse or mixed table) is a {@link LuaTable}.
 * - XML stanzas are ltx `Element`s.
 */
export type Value =
  | string
  | number
  | boolean
  | bigint
  | Uint8Array
  | Element
  | LuaTable
  | Value[]
  | ValueObject;

export interface ValueObject {
  [key: string]: Value;
}

/**
 * A string that identifies a Lua key by value. Integral numbers and bigints share one form, as
 * Lua makes integral float keys integers: `1`, `1n`, `2 ** 53` and `2n ** 53n` pair up.
 */
function keyId(key: LuaKey): string {
  switch (typeof key) {
    case "string":
      return `s${key}`;
    case "boolean":
      return key ? "t" : "f";
    case "bigint":
      return `n${key}`;
    case "number":
      if (Number.isNaN(key)) throw new TypeError("a Lua table key cannot be NaN");
      if (Number.isSafeInteger(key)) return `n${Object.is(key, -0) ? 0 : key}`;
      return Number.isInteger(key) ? `n${BigInt(key)}` : `n${key}`;
    default:
      return `x${Buffer.from(key).toString("hex")}`;
  }
}

/**
 * A Lua table with keys of any type, for the shapes that neither an array nor a plain object
 * can express, such as the roster's `[false] = { version = 1, pending = {} }` entry.
 * Insertion order is kept, but like Lua's, equality ignores order.
 */
export class LuaTable {
  readonly #entries = new Map<string, [LuaKey, Value]>();

  constructor(entries?: Iterable<readonly [LuaKey, Value]>) {
    if (entries) for (const [key, value] of entries) this.set(key, value);
  }

  /** A table of an object's own properties plus extra entries (e.g. `[[false, meta]]`). */
  static from(object: ValueObject, extra: Iterable<readonly [LuaKey, Value]> = []): LuaTable {
    const table = new LuaTable(Object.entries(object));
    for (const [key, value] of extra) table.set(key, value);
    return table;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: LuaKey): Value | undefined {
    return this.#entries.get(keyId(key))?.[1];
  }

  has(key: LuaKey): boolean {
    return this.#entries.has(keyId(key));
  }

  /** Setting `undefined` or `null` removes the key, as assigning `nil` does in Lua. */
  set(key: LuaKey, value: Value | undefined | null): this {
    const id = keyId(key);
    if (value === undefined || value === null) this.#entries.delete(id);
    else this.#entries.set(id, [typeof key === "number" && Object.is(key, -0) ? 0 : key, value]);
    return this;
  }

  delete(key: LuaKey): boolean {
    return this.#entries.delete(keyId(key));
  }

  keys(): IterableIterator<LuaKey> {
    return Array.from(this.#entries.values(), ([key]) => key)[Symbol.iterator]();
  }

  entries(): IterableIterator<[LuaKey, Value]> {
    return this.#entries.values();
  }

  [Symbol.iterator](): IterableIterator<[LuaKey, Value]> {
    return this.#entries.values();
  }
}

export function isElement(value: unknown): value is Element {
  return value instanceof Element;
}

/** True for the three ways a Lua table appears: array, plain object, LuaTable. */
export function isTable(value: unknown): value is Value[] | ValueObject | LuaTable {
  return Array.isArray(value) || value instanceof LuaTable || isPlainObject(value);
}

export function isPlainObject(value: unknown): value is ValueObject {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
