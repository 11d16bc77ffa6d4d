import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { Element } from "ltx";
import { stanzaToXml, xmlToStanza } from "../../src/backends/sql/xml-text.js";
import { elementFromTable, parseDatFile } from "../../src/format/lua/index.js";
import { elementsEqual } from "../../src/values/index.js";
import { StorageError } from "../../src/errors.js";
import { commandWorks, needService } from "../helpers/services.js";

const SCRIPT = fileURLToPath(new URL("./prosody-xml.lua", import.meta.url));
const haveLua = commandWorks("lua5.4", ["-e", "package.path='/usr/lib/prosody/?.lua;'..package.path; package.cpath='/usr/lib/prosody/?.so;'..package.cpath; require'util.xml'"]);

/** Prosody's parser gives every child its namespace; drop the inherited ones to compare. */
function withoutInheritedXmlns(element: Element, parentNs?: string): Element {
  const attrs = { ...element.attrs };
  if (parentNs !== undefined && attrs.xmlns === parentNs) delete attrs.xmlns;
  const copy = new Element(element.name, attrs);
  for (const child of element.children) {
    copy.children.push(typeof child === "string" ? child : withoutInheritedXmlns(child, element.attrs.xmlns ?? parentNs));
  }
  return copy;
}

function stanzas(): Element[] {
  const a = new Element("message", { xmlns: "jabber:client", type: "chat", to: "jüliet@example.com", id: "a'b\"c" });
  a.c("body").t("line one\r\nline two\rthree\n\ttabbed & <escaped> 'quoted' \"double\"");
  a.c("x", { xmlns: "urn:example", note: "tab\there\nnewline\r\nand CRLF  two spaces" }).c("y").t("🎉");
  const b = new Element("entry", { xmlns: "http://www.w3.org/2005/Atom" });
  b.c("title").t("");
  b.c("content", { type: "xhtml" }).c("div", { xmlns: "http://www.w3.org/1999/xhtml" }).t("a").c("b").t("bold").up().t("z");
  return [a, b];
}

describe("XML text of archive values", () => {
  it("round-trips through its own parser, CR, tabs and newlines included", () => {
    for (const stanza of stanzas()) {
      const text = stanzaToXml(stanza);
      assert.ok(!/[\r\t\n]/.test(text.replace(/>[^<]*</g, "><")), "no raw whitespace in attributes");
      assert.ok(elementsEqual(xmlToStanza(text), stanza), text);
    }
  });

  it("writes what Prosody's XML parser reads back unchanged", (t) => {
    if (!needService(t, "lua5.4 with Prosody's util.xml", haveLua)) return;
    const list = stanzas();
    const input = list.map((s) => `${stanzaToXml(s)}\0`).join("");
    const lines = execFileSync("lua5.4", [SCRIPT], { input }).toString().split("\n").filter(Boolean);
    assert.equal(lines.length, list.length);
    lines.forEach((line, i) => {
      assert.ok(!line.startsWith("error"), line);
      const read = elementFromTable(parseDatFile(Buffer.from(line), "prosody") as never);
      assert.ok(elementsEqual(withoutInheritedXmlns(read), withoutInheritedXmlns(list[i])), `${line}\n${list[i].toString()}`);
    });
  });

  it("rejects characters XML cannot carry, before anything is written", () => {
    const bad = new Element("message").c("body").t("bell \u0007").root();
    assert.throws(() => stanzaToXml(bad), (error) => error instanceof StorageError && error.condition === "unsupported-datatype");
    assert.throws(() => stanzaToXml(new Element("has space")), StorageError);
  });
});
