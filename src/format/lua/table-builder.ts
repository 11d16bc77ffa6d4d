/**
 * Builds the canonical JavaScript form of Lua table constructors. The fields of the tables
 * being read are kept on one shared stack (a nested table's fields sit above its parent's
 * until it is finished), so reading allocates only the finished tables. The common shapes
 * (only positional values, only string keys, or both) are built directly; anything else
 * replays Lua's own order of assignment, in which positional values are stored in batches of
 * 50 (LFIELDS_PER_FLUSH) after the keyed fields read so far: `{[1] = "a", "b"}` holds "b".
 */
import type { Element } from "ltx";
import { LuaTable, isElement, setField, tableFromPairs, type LuaKey, type Value, type ValueObject } from "../../values/index.js";
import { appendChild, startElement } from "./stanza.js";

const FLUSH_EVERY = 50;
const INT64_BOUND = 2 ** 63;

/** The key slot of a positional field. */
const POSITIONAL = Symbol("positional");

/** A number used as a table key, in the form the value model uses for that key. */
function keyOfNumber(key: number): number | bigint {
  // Lua stores float keys with an integral value as integer keys
  if (Number.isInteger(key) && !Number.isSafeInteger(key) && key >= -INT64_BOUND && key < INT64_BOUND) {
    return BigInt(key);
  }
  return key;
}

function setProperty(object: ValueObject, key: string, value: Value | undefined): void {
  if (value === undefined) delete object[key];
  else setField(object, key, value);
}

export class FieldStack {
  private readonly keys: Array<LuaKey | typeof POSITIONAL> = [];
  private readonly values: Array<Value | undefined> = [];
  /** Where the next field goes; a table starts at the `top` it saw when it began. */
  top = 0;
  /**
   * Stanza mode, for archive items: tables shaped like `st.preserialize` output become ltx
   * Elements as soon as they are read, without an intermediate table.
   */
  stanzas = false;
  /** In stanza mode, the string-keyed fields other than name/attr of the last element built. */
  extras: ValueObject | undefined;

  /** A positional value (`nil` is `undefined`). */
  positional(value: Value | undefined): void {
    this.keys[this.top] = POSITIONAL;
    this.values[this.top++] = value;
  }

  /** A keyed field; the key is already checked not to be nil or NaN. */
  keyed(key: LuaKey, value: Value | undefined): void {
    this.keys[this.top] = key;
    this.values[this.top++] = value;
  }

  /** The table made of the fields from `base` up, which are then dropped. */
  finish(base: number): Value {
    const { keys, values, top } = this;
    this.top = base;
    let positional = 0;
    let named = 0;
    let simple = true;
    let numbered = false;
    for (let i = base; i < top; i++) {
      const key = keys[i];
      if (key === POSITIONAL) {
        positional++;
        if (values[i] === undefined) simple = false;
      } else if (typeof key === "string") {
        named++;
      } else {
        simple = false;
        if (typeof key === "number" || typeof key === "bigint") numbered = true;
      }
    }
    if (!simple) return positional === 0 && !numbered ? this.keyedOnly(base, top) : this.replay(base, top);
    if (this.stanzas && named >= 2) {
      const element = this.element(base, top);
      if (element !== undefined) return element;
    }
    if (named === 0) return positional === 0 ? {} : values.slice(base, top) as Value[];
    if (positional === 0) {
      const object: ValueObject = {};
      for (let i = base; i < top; i++) setProperty(object, keys[i] as string, values[i]);
      return object;
    }
    const table = new LuaTable();
    let index = 0;
    for (let i = base; i < top; i++) if (keys[i] === POSITIONAL) table.set(++index, values[i]);
    for (let i = base; i < top; i++) if (keys[i] !== POSITIONAL) table.set(keys[i] as string, values[i]);
    if (table.size !== positional) return table;
    // every string key was assigned nil: a plain sequence is left
    const list: Value[] = [];
    for (let i = base; i < top; i++) if (keys[i] === POSITIONAL) list.push(values[i]!);
    return list;
  }

  /** The element the fields stand for, or undefined when they are not a stanza table. */
  private element(base: number, top: number): Element | undefined {
    const { keys, values } = this;
    let name: Value | undefined;
    let attr: Value | undefined;
    let extras: ValueObject | undefined;
    for (let i = base; i < top; i++) {
      const key = keys[i];
      if (key === "name") name = values[i];
      else if (key === "attr") attr = values[i];
      else if (typeof key === "string") setProperty((extras ??= {}), key, values[i]);
    }
    const element = startElement(name, attr);
    if (element === undefined) return undefined;
    for (let i = base; i < top; i++) {
      // a child table that did not become an element: this is no stanza, and the reader says so
      if (keys[i] === POSITIONAL && typeof values[i] === "object" && !(values[i] instanceof Uint8Array) && !isElement(values[i])) {
        return undefined;
      }
    }
    let index = 0;
    for (let i = base; i < top; i++) {
      if (keys[i] === POSITIONAL) appendChild(element, values[i]!, "item", ++index);
    }
    this.extras = extras;
    return element;
  }

  /**
   * A table of keyed fields only, some keys not strings (a roster's `[false]` entry): with no
   * positional or numeric keys, Lua's order of assignment is the reading order and the result
   * cannot be a sequence, so the table is built once, without a replay.
   */
  private keyedOnly(base: number, top: number): ValueObject | LuaTable {
    const table = new LuaTable();
    for (let i = base; i < top; i++) table.set(this.keys[i] as LuaKey, this.values[i]);
    if (table.size === 0) return {};
    for (const [key] of table) if (typeof key !== "string") return table;
    // every other key was assigned nil: only string keys are left
    return tableFromPairs(table.entries()) as ValueObject;
  }

  /** Assigns the fields in Lua's order into a LuaTable, then gives it its canonical shape. */
  private replay(base: number, top: number): Value[] | ValueObject | LuaTable {
    const table = new LuaTable();
    let stored = 0;
    const pending: Array<Value | undefined> = [];
    const flush = (): void => {
      for (let i = 0; i < pending.length; i++) table.set(stored + i + 1, pending[i]);
      stored += pending.length;
      pending.length = 0;
    };
    for (let i = base; i < top; i++) {
      if (pending.length === FLUSH_EVERY) flush();
      const key = this.keys[i];
      if (key === POSITIONAL) pending.push(this.values[i]);
      else table.set(typeof key === "number" ? keyOfNumber(key) : key, this.values[i]);
    }
    flush();
    return tableFromPairs(table.entries());
  }
}
