import { Element } from "ltx";
import { storageError } from "../errors.js";
import { elementFromTable, tableFromElement } from "../format/lua/stanza.js";
import type { Value } from "../values/index.js";

/**
 * Prosody keeps XML in keyval stores as `st.preserialize(stanza)`: a table
 * `{ name = "vCard", attr = { xmlns = … }, [1] = child, [2] = "text", … }`. Typed stores write
 * that shape and read it back with the exported helpers `tableFromElement`/`elementFromTable`
 * (src/format/lua/stanza.ts); the SQL backend may also hand back real Elements (`xml` rows).
 */

/** The element a stored value stands for; `what` names it in errors. */
export function storedElement(value: Value, what: string): Element {
  return value instanceof Element ? value : elementFromTable(value, what);
}

export { tableFromElement };

/** Throws `invalid-input` unless `element` is an ltx Element named `name` in namespace `xmlns`. */
export function checkElement(element: unknown, name: string | undefined, xmlns: string | undefined, what: string): Element {
  if (!(element instanceof Element)) throw storageError("invalid-input", `${what} must be an XML element (ltx Element)`);
  if (name !== undefined && element.name !== name) {
    throw storageError("invalid-input", `${what} must be a <${name}/> element, got <${element.name}/>`);
  }
  if (xmlns !== undefined && element.attrs.xmlns !== xmlns) {
    throw storageError("invalid-input", `${what} must be in namespace ${xmlns}, got ${JSON.stringify(element.attrs.xmlns ?? "")}`);
  }
  return element;
}
