import type { Element } from "ltx";
import { readStanza } from "./xml-read.js";
import { storageError } from "../../errors.js";
import { isXmlName, nonXmlChar } from "../../values/xml-chars.js";

/**
 * Archive values as XML text, in the form Prosody's `tostring(stanza)` writes (single-quoted
 * attributes; `'"<>&` escaped), plus character references where Prosody's XML parser would
 * otherwise change the text: `&#13;` for CR (expat turns CRLF into LF), and `&#9;`, `&#10;`,
 * `&#13;` inside attributes (expat normalises them to spaces). Prosody reads both forms.
 */
export function stanzaToXml(element: Element, where = "value"): string {
  const out: string[] = [];
  write(element, out, where, 0);
  return out.join("");
}

const TEXT_ESCAPES: Record<string, string> = { "'": "&apos;", '"': "&quot;", "<": "&lt;", ">": "&gt;", "&": "&amp;", "\r": "&#13;" };
const ATTR_ESCAPES: Record<string, string> = { ...TEXT_ESCAPES, "\t": "&#9;", "\n": "&#10;" };
const TEXT_SPECIAL = /['"<>&\r]/g;
const ATTR_SPECIAL = /['"<>&\r\t\n]/g;

// The manager refuses such stanzas with invalid-input already; the bulk path comes here unchecked.
function checkText(text: string, where: string): void {
  const bad = nonXmlChar(text);
  if (bad) throw storageError("unsupported-datatype", `XML cannot hold the character ${bad}`, { object: where });
}

function checkName(name: string, where: string): void {
  if (!isXmlName(name)) throw storageError("unsupported-datatype", `${JSON.stringify(name)} is not an XML name`, { object: where });
}

function write(element: Element, out: string[], where: string, depth: number): void {
  checkName(element.name, where);
  out.push("<", element.name);
  for (const [name, value] of Object.entries(element.attrs)) {
    if (value === undefined || value === null) continue;
    const text = String(value);
    checkName(name, `${where}@${name}`);
    checkText(text, `${where}@${name}`);
    out.push(" ", name, "='", text.replace(ATTR_SPECIAL, (ch) => ATTR_ESCAPES[ch]), "'");
  }
  const children = element.children.filter((child) => child !== "");
  if (children.length === 0) {
    out.push("/>");
    return;
  }
  out.push(">");
  for (const child of children) {
    if (typeof child === "string") {
      checkText(child, where);
      out.push(child.replace(TEXT_SPECIAL, (ch) => TEXT_ESCAPES[ch]));
    } else {
      write(child, out, `${where}/${child.name}`, depth + 1);
    }
  }
  out.push("</", element.name, ">");
}

/** Parses one stanza written by Prosody or by {@link stanzaToXml}. */
export function xmlToStanza(text: string): Element {
  return readStanza(text);
}
