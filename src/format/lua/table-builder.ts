/**
 * Builds the canonical JavaScript form of one Lua table constructor as its fields are read.
 * The common shapes (only positional values, only string keys, or both) are built directly;
 * anything else falls back to a LuaTable that replays Lua's own order of assignment, in which
 * positional values are stored in batches of 50 (LFIELDS_PER_FLUSH) after the keyed fields
 * read so far, so that `{[1] = "a", "b"}` holds "b" as Lua says.
 */
import { LuaTable, tableFromPairs, type LuaKey, type Value, type ValueObject } from "../../values/index.js";

const FLUSH_EVERY = 50;
const INT64_BOUND = 2 ** 63;

/** A number used as a table key, in the form the value model uses for that key. */
function keyOfNumber(key: number): number | bigint {
  // Lua stores float keys with an integral value as integer keys
  if (Number.isInteger(key) && !Number.isSafeInteger(key) && key >= -INT64_BOUND && key < INT64_BOUND) {
    return BigInt(key);
  }
  return key;
}

export class TableBuilder {
  private readonly list: Value[] = [];
  private object: ValueObject | undefined;
  private general: LuaTable | undefined;
  /** Positional values (possibly nil) not yet stored, in general mode. */
  private pending: Array<Value | undefined> = [];
  /** Positional values already stored: the next batch starts at index stored + 1. */
  private stored = 0;

  /** Called before each field, like Lua's `closelistfield`. */
  beginField(): void {
    if (this.general) {
      if (this.pending.length === FLUSH_EVERY) this.flush();
    } else if (this.list.length - this.stored === FLUSH_EVERY) {
      this.stored = this.list.length;
    }
  }

  /** A positional value (`nil` is `undefined`). */
  addPositional(value: Value | undefined): void {
    if (this.general) {
      this.pending.push(value);
    } else if (value === undefined) {
      this.toGeneral();
      this.pending.push(value);
    } else {
      this.list.push(value);
    }
  }

  /** A keyed field `[key] = value` or `name = value`; the key is already checked not nil/NaN. */
  addKeyed(key: LuaKey, value: Value | undefined): void {
    if (typeof key === "string" && !this.general) {
      const object = (this.object ??= {});
      if (value === undefined) delete object[key];
      else if (key === "__proto__") Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
      else object[key] = value;
      return;
    }
    const table = this.general ?? this.toGeneral();
    table.set(typeof key === "number" ? keyOfNumber(key) : key, value);
  }

  private toGeneral(): LuaTable {
    const table = new LuaTable();
    for (let i = 0; i < this.stored; i++) table.set(i + 1, this.list[i]);
    if (this.object) for (const key of Object.keys(this.object)) table.set(key, this.object[key]);
    this.pending = this.list.slice(this.stored);
    this.general = table;
    return table;
  }

  private flush(): void {
    const table = this.general!;
    for (let i = 0; i < this.pending.length; i++) table.set(this.stored + i + 1, this.pending[i]);
    this.stored += this.pending.length;
    this.pending = [];
  }

  /** The finished table in canonical form (see `tableFromPairs`). */
  finish(): Value[] | ValueObject | LuaTable {
    if (this.general) {
      this.flush();
      return tableFromPairs(this.general.entries());
    }
    const object = this.object;
    if (object === undefined) return this.list.length === 0 ? {} : this.list;
    if (this.list.length === 0) return object;
    const keys = Object.keys(object);
    if (keys.length === 0) return this.list;
    const table = new LuaTable();
    for (let i = 0; i < this.list.length; i++) table.set(i + 1, this.list[i]);
    for (const key of keys) table.set(key, object[key]);
    return table;
  }
}
