/**
 * Converts between ltx Elements and the tables Prosody stores stanzas as in `.dat` and
 * `.list` files: `st.preserialize(stanza)` = `{ name = ..., attr = { ... }, [1..n] = children }`
 * where children are text strings or nested tables of the same shape, and `xmlns` stays in
 * `attr`. Attribute names are kept as they are (Prosody writes namespaced ones as
 * `namespace\1name`, except `xml:lang` and the other `xml:` attributes).
 */
import { Element } from "ltx";
import { StorageError, storageError, type StorageCondition } from "../../errors.js";
import { isPlainObject, isTable, setField, tableFromPairs, tableGet, tablePairs, type LuaKey, type Value } from "../../values/index.js";

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
    if (value !== undefined && value !== null) setField(attr, name, String(value));
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
 * Throws a StorageError (`backend-failure` for stored data, or the given `condition`; from
 * `backend` if given) naming `where` when the table is not a stanza.
 */
export function elementFromTable(
  table: Value,
  where = "value",
  { condition = "backend-failure", backend }: { condition?: StorageCondition; backend?: string } = {},
): Element {
  try {
    return build(table, where);
  } catch (error) {
    if (!(error instanceof StorageError)) throw error;
    throw storageError(condition, error.message, { backend });
  }
}

/**
 * A new element with `name` and the attributes of the `attr` table, or undefined when the
 * two do not make a stanza (a non-string name, a missing or non-table attr).
 */
export function startElement(name: Value | undefined, attr: Value | undefined): Element | undefined {
  if (typeof name !== "string" && !(name instanceof Uint8Array)) return undefined;
  if (attr === undefined || !isTable(attr)) return undefined;
  const attrs: Record<string, string> = {};
  if (isPlainObject(attr)) {
    // the usual case, without the generic pair iteration
    for (const key of Object.keys(attr)) addAttribute(attrs, key, attr[key]);
  } else {
    for (const [key, value] of tablePairs(attr)) {
      if (typeof key === "string" || key instanceof Uint8Array) addAttribute(attrs, textOf(key), value);
    }
  }
  const element = new Element(typeof name === "string" ? name : textOf(name));
  element.attrs = attrs;
  return element;
}

function addAttribute(attrs: Record<string, string>, key: string, value: Value): void {
  if (typeof value === "string") setField(attrs, key, value);
  else if (value instanceof Uint8Array) setField(attrs, key, textOf(value));
  else if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") setField(attrs, key, String(value));
}

/**
 * Adds the `index`th array-part value as a child, as `st.deserialize` does; `where` names the
 * parent in errors.
 */
export function appendChild(element: Element, child: Value, where: string, index: number): void {
  if (typeof child === "string" || child instanceof Uint8Array) {
    element.children.push(textOf(child));
  } else if (child instanceof Element) {
    child.parent = element;
    element.children.push(child);
  } else if (isTable(child)) {
    const inner = build(child, `${where}[${index}]`);
    inner.parent = element;
    element.children.push(inner);
  }
}

function build(table: Value, where: string): Element {
  if (!isTable(table)) throw notStanza(where, "not a table");
  const name = tableGet(table, "name");
  const element = startElement(name, tableGet(table, "attr"));
  if (element === undefined) throw notStanza(where, typeof name === "string" ? "no table 'attr'" : "no string 'name'");
  for (let i = 1; ; i++) {
    const child = tableGet(table, i);
    if (child === undefined) break;
    appendChild(element, child, where, i);
  }
  return element;
}

function notStanza(where: string, why: string): StorageError {
  return storageError("backend-failure", `${where} is not a serialized stanza: ${why}`);
}
