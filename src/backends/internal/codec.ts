import { Element } from "ltx";
import { storageError } from "../../errors.js";
import {
  elementFromTable,
  parseDatFile,
  parseListItems,
  scanListItems,
  formatNumber,
  quoteString,
  serializeDatFile,
  serializeValue,
} from "../../format/lua/index.js";
import { isTable, tableGet, type Value } from "../../values/index.js";
import type { ScannedItem } from "./list-index.js";

/**
 * The backend's use of the Lua codec (src/format/lua): whole `.dat` files, and `.list` items
 * in Prosody's archive shape, `st.preserialize(stanza)` plus `key`, `when`, `with` and
 * `attr.stamp`.
 */

const lossy = new TextDecoder("utf-8");
const text = (value: string | Uint8Array) => (typeof value === "string" ? value : lossy.decode(value));

/** The value of a `.dat` file; `undefined` for an empty file or `return nil`. */
export function decodeDat(bytes: Uint8Array, file: string): Value | undefined {
  return parseDatFile(bytes, file);
}

/** A `.dat` file's bytes: `return <value>;\n`. */
export function encodeDat(value: Value, file: string): string {
  return serializeDatFile(value, file);
}

/** XEP-0082 UTC time of `when` to the second, as Prosody's `util.datetime.datetime`. */
function stampOf(when: number): string {
  const ms = Math.floor(when) * 1000;
  if (!(Math.abs(ms) <= 8.64e15)) throw storageError("invalid-input", `when ${when} is out of range`, { backend: "internal" });
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Seconds of a XEP-0082 stamp, for old items that have `attr.stamp` but no `when`. */
function parseStamp(stamp: Value | undefined): number | undefined {
  if (typeof stamp !== "string") return undefined;
  const ms = Date.parse(stamp);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

/**
 * One archive item as the bytes of `item({...});\n`: the stanza written as `st.preserialize`
 * makes it (the serializer writes an Element that way), with `attr.stamp`, then `key`, `when`
 * and `with` added as the last fields of that table, as Prosody's table has them. Writing the
 * stanza directly spares building an intermediate table of the whole stanza per append.
 */
export function encodeListItem(value: Element, key: string, when: number, with_: string | undefined): Buffer {
  const stamped = new Element(value.name, { ...value.attrs, stamp: stampOf(when) });
  stamped.children = value.children;
  const stanza = serializeValue(stamped, key);
  let fields = `\n\t["key"] = ${quoteString(key)};\n\t["when"] = ${formatNumber(when)};`;
  if (with_ !== undefined) fields += `\n\t["with"] = ${quoteString(with_)};`;
  if (!stanza.endsWith("\n}")) throw new Error(`the serializer wrote a stanza table of an unexpected shape: ${stanza.slice(-20)}`);
  return Buffer.from(`item(${stanza.slice(0, -2)}${fields}\n});\n`, "latin1");
}

/** The stanza of one stored item (its bytes `item(...);`), without the archive's own fields. */
export function decodeListItem(bytes: Uint8Array, file: string): Element {
  const { items, torn } = parseListItems(bytes, file);
  if (items.length !== 1 || torn) {
    throw storageError("backend-failure", `cannot parse ${file}: an indexed item no longer reads as one item (file changed?)`, { backend: "internal" });
  }
  const element = elementFromTable(items[0].value, file, { backend: "internal" });
  delete element.attrs.stamp;
  delete element.attrs.stamp_legacy;
  return element;
}

const FIELDS = ["key", "when", "with"] as const;

/**
 * The index fields of every complete item in `bytes` (a whole `.list`, or its part from byte
 * `base` on), and where the complete items end: a torn last item is left out. Items without
 * `key` get their position as id and items without `when` the time of `attr.stamp`, as Prosody.
 */
export function scanList(bytes: Uint8Array, file: string, base: number, firstPosition: number): { items: ScannedItem[]; end: number } {
  const scanned = scanListItems(bytes, file, FIELDS);
  const items: ScannedItem[] = [];
  for (const [n, { values, start, end }] of scanned.items.entries()) {
    const [key, when, with_] = values;
    let time = typeof when === "number" ? when : typeof when === "bigint" ? Number(when) : undefined;
    if (time === undefined) {
      const [parsed] = parseListItems(bytes.subarray(start, end), file).items;
      const attr = parsed && isTable(parsed.value) ? tableGet(parsed.value, "attr") : undefined;
      time = parseStamp(attr !== undefined && isTable(attr) ? tableGet(attr, "stamp") : undefined);
      if (time === undefined) throw storageError("backend-failure", `cannot read ${file}: item ${firstPosition + n + 1} has no time`, { backend: "internal" });
    }
    const item: ScannedItem = {
      start: base + start,
      end: base + end,
      key: typeof key === "string" || key instanceof Uint8Array ? text(key) : key === undefined ? String(firstPosition + n + 1) : String(key),
      when: time,
    };
    if (typeof with_ === "string" || with_ instanceof Uint8Array) item.with = text(with_);
    items.push(item);
  }
  const last = scanned.items.at(-1);
  const end = scanned.torn ? scanned.torn.start : last ? last.end : 0;
  return { items, end: base + end };
}
