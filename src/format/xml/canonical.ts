import type { Element } from "ltx";

/**
 * Escapes text content: only `&`, `<` and `>` need it, and the dump format escapes exactly those,
 * so that the same element always gives the same string.
 */
function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"));
}

/** Escapes an attribute value written in double quotes: `&`, `<`, `>` and `"`. */
function escapeAttr(value: string): string {
  return value.replace(/[&<>"]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&quot;"));
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function write(element: Element, inheritedNs: string | undefined, out: string[]): void {
  const attrs = element.attrs ?? {};
  const names = Object.keys(attrs)
    .filter((name) => attrs[name] !== undefined && attrs[name] !== null)
    .sort(compareCodeUnits);
  const ownNs = attrs.xmlns === undefined || attrs.xmlns === null ? inheritedNs : String(attrs.xmlns);
  out.push("<", element.name);
  for (const name of names) {
    const value = String(attrs[name]);
    // An xmlns equal to the parent's namespace says nothing: parsers and serialisers differ on
    // whether they keep it, so the canonical form never writes it.
    if (name === "xmlns" && value === inheritedNs) continue;
    out.push(" ", name, '="', escapeAttr(value), '"');
  }
  const children = (element.children ?? []).filter((child) => child !== "");
  if (children.length === 0) {
    out.push("/>");
    return;
  }
  out.push(">");
  for (const child of children) {
    if (typeof child === "string") out.push(escapeText(child));
    else write(child as Element, ownNs, out);
  }
  out.push("</", element.name, ">");
}

/**
 * The canonical string of an XML element, as the dump format's XMLSTRING defines it: attributes
 * sorted by name (UTF-16 code units), values in double quotes escaping `& < > "`, text escaping
 * `& < >`, `<name/>` for an element without children (empty text counts as none), no XML
 * declaration, no added white space, and an `xmlns` attribute left out where it equals the
 * namespace inherited from the parent element. The root keeps its `xmlns`, if it has one.
 */
export function canonicalXml(element: Element): string {
  const out: string[] = [];
  write(element, undefined, out);
  return out.join("");
}
