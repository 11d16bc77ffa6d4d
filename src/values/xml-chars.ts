/**
 * What XML 1.0 (fifth edition) with namespaces can carry: names of elements and attributes
 * (`QName`: an NCName, or two joined by one colon) and characters of text and attribute
 * values (`Char`). A stanza outside these cannot be written as XML and read back, so it is
 * refused before any backend stores it.
 */

const NAME_START = "A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}";
const NAME_REST = `${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F\\u2040`;
const NC_NAME = `[${NAME_START}][${NAME_REST}]*`;
// The spec's ranges hold combining marks (U+0300-036F), which this lint rule mistakes for one glyph.
// eslint-disable-next-line no-misleading-character-class
const QNAME = new RegExp(`^${NC_NAME}(?::${NC_NAME})?$`, "u");

// C0 controls other than tab, LF and CR, and U+FFFE/U+FFFF; lone surrogates are checked apart.
// eslint-disable-next-line no-control-regex
const NOT_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** True for a name XML with namespaces accepts for an element or attribute (`xml:lang`, `stream:features`). */
export function isXmlName(name: string): boolean {
  return QNAME.test(name);
}

/** The first character of `text` that XML 1.0 cannot carry, even as a reference, as `U+XXXX`; undefined if none. */
export function nonXmlChar(text: string): string | undefined {
  const bad = NOT_CHAR.exec(text);
  return bad ? `U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}` : undefined;
}
