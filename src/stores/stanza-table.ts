import { Element } from "ltx";
import { StorageError } from "../errors.js";
import { MAX_DEPTH } from "../values/normalize.js";
import { isTable, tableFromPairs, tableGet, tablePairs, type LuaKey, type Value } from "../values/index.js";

/**
 * Prosody keeps XML in keyval stores as `st.preserialize(stanza)`: a table
 * `{ name = "vCard", attr = { xmlns = … }, [1] = child, [2] = "text", … }`. These helpers turn
 * ltx Elements into that shape and back, so typed stores read what Prosody wrote and write
 * what Prosody reads.
 */

function textOf(value: Value): string | undefined {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString("utf8");
  return undefined;
}

/** The preserialized table of an element (an object when it has no children, as Lua shows it). */
export function elementToTable(element: Element, depth = 0): Value {
  if (depth > MAX_DEPTH) throw new StorageError("invalid-input", `XML element nested deeper than ${MAX_DEPTH} levels`);
  const attr: Record<string, Value> = {};
  for (const [name, value] of Object.entries(element.attrs ?? {})) {
    if (value !== undefined && value !== null) attr[name] = String(value);
  }
  const pairs: Array<[LuaKey, Value]> = [
    ["name", element.name],
    ["attr", attr],
  ];
  let index = 1;
  for (const child of element.children) {
    if (child instanceof Element) pairs.push([index++, elementToTable(child, depth + 1)]);
    else if (typeof child === "string") pairs.push([index++, child]);
  }
  return tableFromPairs(pairs);
}

/**
 * The element a preserialized table describes; `what` names it in errors. Elements (as the
 * SQL backend returns `xml` rows) pass through. Children are read as Lua's `ipairs` does:
 * 1, 2, … up to the first gap.
 */
export function tableToElement(value: Value, what: string, depth = 0): Element {
  if (value instanceof Element) return value;
  if (depth > MAX_DEPTH) throw new StorageError("invalid-input", `${what}: XML nested deeper than ${MAX_DEPTH} levels`);
  if (!isTable(value)) throw new StorageError("invalid-input", `${what} is not a preserialized XML element`);
  const name = tableGet(value, "name");
  if (typeof name !== "string" || name === "") throw new StorageError("invalid-input", `${what} has no element name`);
  const attrs: Record<string, string> = {};
  const attrTable = tableGet(value, "attr");
  if (attrTable !== undefined && isTable(attrTable)) {
    for (const [key, attrValue] of tablePairs(attrTable)) {
      const text = textOf(attrValue);
      // Prosody's deserialize ignores non-string attribute names too.
      if (typeof key === "string" && text !== undefined) attrs[key] = text;
    }
  }
  const element = new Element(name, attrs);
  for (let index = 1; ; index++) {
    const child = tableGet(value, index);
    if (child === undefined) break;
    const text = textOf(child);
    if (text !== undefined) element.children.push(text);
    else if (isTable(child) || child instanceof Element) {
      const inner = tableToElement(child, what, depth + 1);
      inner.parent = element;
      element.children.push(inner);
    }
  }
  return element;
}

/** Throws `invalid-input` unless `element` is an ltx Element named `name` in namespace `xmlns`. */
export function checkElement(element: unknown, name: string | undefined, xmlns: string | undefined, what: string): Element {
  if (!(element instanceof Element)) throw new StorageError("invalid-input", `${what} must be an XML element (ltx Element)`);
  if (name !== undefined && element.name !== name) {
    throw new StorageError("invalid-input", `${what} must be a <${name}/> element, got <${element.name}/>`);
  }
  if (xmlns !== undefined && element.attrs.xmlns !== xmlns) {
    throw new StorageError("invalid-input", `${what} must be in namespace ${xmlns}, got ${JSON.stringify(element.attrs.xmlns ?? "")}`);
  }
  return element;
}
