/**
 * Converts between ltx Elements and the tables Prosody stores stanzas as in `.dat` and
 * `.list` files: `st.preserialize(stanza)` = `{ name = ..., attr = { ... }, [1..n] = children }`
 * where children are text strings or nested tables of the same shape, and `xmlns` stays in
 * `attr`. Attribute names are kept as they are (Prosody writes namespaced ones as
 * `namespace\1name`, except `xml:lang` and the other `xml:` attributes).
 */
import { Element } from "ltx";
import { StorageError } from "../../errors.js";
import { isTable, tableFromPairs, tableGet, tablePairs, type LuaKey, type Value } from "../../values/index.js";

const lossyUtf8 = new TextDecoder("utf-8");

/** Text of a Lua string; bytes that are not UTF-8 cannot live in XML and become U+FFFD. */
function textOf(value: string | Uint8Array): string {
  return typeof value === "string" ? value : lossyUtf8.decode(value);
}

/**
 * The preserialized table of an element: children first (the array part), then `name` and
 * `attr`, as Prosody's `st.preserialize` builds it.
 */
export function tableFromElement(element: Element): Value {
  const pairs: Array<[LuaKey, Value]> = [];
  let index = 0;
  for (const child of element.children) {
    if (typeof child === "string") pairs.push([++index, child]);
    else if (child instanceof Element) pairs.push([++index, tableFromElement(child)]);
  }
  const attr: Record<string, Value> = {};
  for (const [name, value] of Object.entries(element.attrs ?? {})) {
    if (value !== undefined && value !== null) attr[name] = String(value);
  }
  pairs.push(["name", element.name], ["attr", attr]);
  return tableFromPairs(pairs);
}

/**
 * The stanza a preserialized table stands for, read the way Prosody's `st.deserialize` reads
 * it: `name` must be a string and `attr` a table (its string-keyed entries become attributes;
 * numbers and booleans are written as text, other values are dropped); the children are the
 * array part up to the first gap, where strings are text, tables are child elements and
 * anything else is skipped. Other fields (an archive item's `key`, `when`, `with`) are ignored.
 * Throws StorageError `backend-failure` naming `where` when the table is not a stanza.
 */
export function elementFromTable(table: Value, where = "value"): Element {
  return build(table, where);
}

function build(table: Value, where: string): Element {
  if (!isTable(table)) throw notStanza(where, "not a table");
  const name = tableGet(table, "name");
  const attr = tableGet(table, "attr");
  if (typeof name !== "string" && !(name instanceof Uint8Array)) throw notStanza(where, "no string 'name'");
  if (attr === undefined || !isTable(attr)) throw notStanza(where, "no table 'attr'");
  const attrs: Record<string, string> = {};
  for (const [key, value] of tablePairs(attr)) {
    if (typeof key !== "string" && !(key instanceof Uint8Array)) continue;
    if (typeof value === "string" || value instanceof Uint8Array) attrs[textOf(key)] = textOf(value);
    else if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") attrs[textOf(key)] = String(value);
  }
  const element = new Element(textOf(name), attrs);
  for (let i = 1; ; i++) {
    const child = tableGet(table, i);
    if (child === undefined) break;
    if (typeof child === "string" || child instanceof Uint8Array) {
      element.children.push(textOf(child));
    } else if (isTable(child)) {
      const inner = build(child, `${where}[${i}]`);
      inner.parent = element;
      element.children.push(inner);
    }
  }
  return element;
}

function notStanza(where: string, why: string): StorageError {
  return new StorageError("backend-failure", `[internal] ${where} is not a serialized stanza: ${why}`);
}
