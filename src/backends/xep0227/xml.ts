import type { EventEmitter } from "node:events";
import { Element, clone } from "ltx";
import * as saxModule from "ltx/src/parsers/ltx.js";
import { StorageError, storageError } from "../../errors.js";

/**
 * Reading and writing the XML of XEP-0227 files. ltx's own SAX parser is used, with the checks
 * it does not make itself: a DOCTYPE (and so any entity declaration) is refused before parsing,
 * only XML's five entities and character references are understood (ltx throws on others), end
 * tags must match, there is exactly one root, and nesting is bounded. Nothing outside the text
 * given is ever read.
 */

/** ltx's SAX parser (its types describe the module as CommonJS; it is an ES module). */
interface SaxParser extends EventEmitter {
  write(data: string): void;
  end(data?: string): void;
}
const SaxLtx = (saxModule as unknown as { default: new () => SaxParser }).default;

/** Deeper than any XEP-0227 document needs (user > pubsub > items > item > payload > …). */
const MAX_DEPTH = 128;

function malformed(where: string, why: string, cause?: unknown): StorageError {
  return storageError("invalid-input", `not a usable XML document: ${why}`, { backend: "xep0227", object: where, cause });
}

/** Refuses `<!DOCTYPE` and any other `<!` declaration outside comments and CDATA sections. */
function refuseDeclarations(text: string, where: string): void {
  let at = text.indexOf("<!");
  while (at !== -1) {
    if (text.startsWith("<!--", at)) {
      const end = text.indexOf("-->", at + 4);
      if (end === -1) throw malformed(where, "unterminated comment");
      at = text.indexOf("<!", end + 3);
    } else if (text.startsWith("<![CDATA[", at)) {
      const end = text.indexOf("]]>", at + 9);
      if (end === -1) throw malformed(where, "unterminated CDATA section");
      at = text.indexOf("<!", end + 3);
    } else {
      const what = /^<!([A-Za-z]*)/.exec(text.slice(at, at + 20))?.[1] || "declaration";
      throw malformed(where, `<!${what}> is not allowed (no DOCTYPE, no entity declarations)`);
    }
  }
}

/** Parses one XML document into an ltx Element; `where` names it in errors. */
export function parseXml(text: string, where: string): Element {
  refuseDeclarations(text, where);
  const parser = new SaxLtx();
  const stack: Element[] = [];
  let root: Element | undefined;
  parser.on("startElement", (name: string, attrs: Record<string, string>) => {
    if (root && stack.length === 0) throw malformed(where, `a second root element <${name}>`);
    if (stack.length >= MAX_DEPTH) throw malformed(where, `elements nested deeper than ${MAX_DEPTH}`);
    const element = new Element(name, attrs);
    if (stack.length > 0) stack[stack.length - 1].cnode(element);
    else root = element;
    stack.push(element);
  });
  parser.on("endElement", (name: string) => {
    const open = stack.pop();
    if (!open || open.name !== name) throw malformed(where, `end tag </${name}> does not match <${open?.name ?? "nothing"}>`);
  });
  parser.on("text", (text: string) => {
    if (stack.length > 0) stack[stack.length - 1].t(text);
    else if (text.trim() !== "") throw malformed(where, "text outside the root element");
  });
  try {
    parser.write(text);
    parser.end();
  } catch (error) {
    if (error instanceof StorageError) throw error;
    throw malformed(where, (error as Error).message, error);
  }
  if (!root) throw malformed(where, "no root element");
  if (stack.length > 0) throw malformed(where, `<${stack[stack.length - 1].name}> is never closed`);
  return root;
}

/** A whole file's text: the XML declaration and the element. */
export function documentText(root: Element): string {
  return `<?xml version='1.0' encoding='UTF-8'?>\n${root.toString()}\n`;
}

/** An element's namespace, as declared on it or inherited. */
export function nsOf(element: Element): string | undefined {
  return element.getNS();
}

/** The local part of an element's name (`include` of `xi:include`). */
export function localName(element: Element): string {
  const colon = element.name.indexOf(":");
  return colon === -1 ? element.name : element.name.slice(colon + 1);
}

/** Child elements named `name` in namespace `xmlns` (any namespace when undefined). */
export function childrenOf(parent: Element, name: string, xmlns?: string): Element[] {
  return parent.getChildElements().filter((c) => localName(c) === name && (xmlns === undefined || nsOf(c) === xmlns));
}

export function childOf(parent: Element, name: string, xmlns?: string): Element | undefined {
  return childrenOf(parent, name, xmlns)[0];
}

/** Text of the first child `name`, or undefined. */
export function childText(parent: Element, name: string, xmlns?: string): string | undefined {
  return childOf(parent, name, xmlns)?.getText();
}

/** The value of an attribute `prefix:local` whose prefix is bound to `xmlns`, wherever it was declared. */
export function namespacedAttrs(element: Element, xmlns: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const [name, value] of Object.entries(element.attrs as Record<string, unknown>)) {
    const colon = name.indexOf(":");
    if (colon === -1 || name.startsWith("xmlns")) continue;
    if (element.findNS(name.slice(0, colon)) === xmlns && typeof value === "string") found.set(name.slice(colon + 1), value);
  }
  return found;
}

/**
 * A copy of `element` that stands on its own: its namespace written on it, and the prefixes its
 * subtree uses (declared higher up in the file) declared on it.
 */
export function detached(element: Element): Element {
  const copy = clone(element);
  const ns = nsOf(element);
  if (ns !== undefined && !element.name.includes(":")) copy.attrs.xmlns = ns;
  const prefixes = new Set<string>();
  const collect = (el: Element) => {
    const names = [el.name, ...Object.keys(el.attrs as object)];
    for (const name of names) {
      const colon = name.indexOf(":");
      if (colon > 0 && !name.startsWith("xmlns")) prefixes.add(name.slice(0, colon));
    }
    el.getChildElements().forEach(collect);
  };
  collect(copy);
  for (const prefix of prefixes) {
    const uri = element.findNS(prefix);
    if (uri !== undefined && copy.attrs[`xmlns:${prefix}`] === undefined) copy.attrs[`xmlns:${prefix}`] = uri;
  }
  delete (copy as { parent?: unknown }).parent;
  return copy;
}
