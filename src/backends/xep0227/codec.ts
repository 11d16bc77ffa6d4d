import { Element } from "ltx";
import { elementFromTable, tableFromElement } from "../../format/lua/stanza.js";
import { nameprep, nodeprep, resourceprep } from "../../format/stringprep/index.js";
import { isTable, pairsOf, stringFields, type Value, type ValueObject } from "../../values/index.js";
import { detached, namespacedAttrs } from "./xml.js";

/** Namespaces of XEP-0227 and of what it embeds. */
export const NS = {
  pie: "urn:xmpp:pie:0",
  scram: "urn:xmpp:pie:0#scram",
  mam: "urn:xmpp:pie:0#mam",
  client: "jabber:client",
  roster: "jabber:iq:roster",
  private: "jabber:iq:private",
  privacy: "jabber:iq:privacy",
  vcard: "vcard-temp",
  blocking: "urn:xmpp:blocking",
  pubsub: "http://jabber.org/protocol/pubsub",
  pubsubOwner: "http://jabber.org/protocol/pubsub#owner",
  data: "jabber:x:data",
  mam2: "urn:xmpp:mam:2",
  forward: "urn:xmpp:forward:0",
  delay: "urn:xmpp:delay",
  xinclude: "http://www.w3.org/2001/XInclude",
  /** Prosody's namespace for what XEP-0227 has no element for (account fields, and here ids and times). */
  extended: "http://prosody.im/protocol/extended-xep0227",
} as const;

/**
 * `standard`: XEP-0227 as Prosody's mod_storage_xep0227 reads and writes it, plus Prosody's
 * extended attributes wherever a value would otherwise be lost. `ejabberd`: exactly what
 * `ejabberdctl import_piefxis` takes (see ejabberd.ts).
 */
export type Flavor = "standard" | "ejabberd";

/** What a codec needs to know while it converts one user's data. */
export interface CodecContext {
  host: string;
  user: string;
  flavor: Flavor;
  /** `password_hash` of the host: which SCRAM mechanism to prefer when a user has several. */
  passwordHash: "SHA-1" | "SHA-256";
  /** Records something of this store that the file does not (or, for ejabberd, must not) hold. */
  lost(what: string): void;
}

/** A store's share of a `<user/>` element: attributes on it, and children. */
export interface UserPart {
  attrs?: Record<string, string>;
  children: Element[];
}

/** Converts one keyval store between Prosody's stored value and its part of `<user/>`. */
export interface KeyValCodec {
  readonly store: string;
  /** The store's value found in `user`, and the children it took (the rest is kept as found). */
  decode(user: Element, ctx: CodecContext): { value: Value | undefined; used: Element[] };
  encode(value: Value, ctx: CodecContext): UserPart;
}

const PREFIX = "xp";

/** Attributes in Prosody's extended namespace, with the prefix declared. */
export function extendedAttrs(fields: Record<string, string>): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) attrs[`${PREFIX}:${name}`] = value;
  if (Object.keys(attrs).length > 0) attrs[`xmlns:${PREFIX}`] = NS.extended;
  return attrs;
}

export function readExtended(element: Element): Map<string, string> {
  return namespacedAttrs(element, NS.extended);
}

/** The string-keyed entries of a table value, or undefined for anything else. */
export const fieldsOf = stringFields;
export { pairsOf };

/** A stored stanza (a preserialized table or an Element) as an Element, or undefined if it is not one. */
export function elementOf(value: Value | undefined): Element | undefined {
  if (value instanceof Element) return value;
  if (value === undefined || !isTable(value)) return undefined;
  try {
    return elementFromTable(value, "stanza");
  } catch {
    return undefined;
  }
}

/** An element of the file as Prosody stores it: a preserialized table standing on its own. */
export function storedTable(element: Element): Value {
  return tableFromElement(detached(element));
}

/** Names of fields a codec does not know, for the loss report. */
export function unknownFields(fields: ValueObject, known: readonly string[]): string[] {
  return Object.keys(fields).filter((key) => !known.includes(key));
}

/**
 * Whether ejabberd's importer takes `jid`: `[local@]domain[/resource]` with each part surviving
 * its stringprep profile (an item it cannot decode stops the whole import).
 */
export function acceptableJid(jid: string): boolean {
  const match = /^(?:([^@/]+)@)?([^@/]+)(?:\/(.+))?$/su.exec(jid);
  if (!match || !jid.isWellFormed()) return false;
  const [, local, domain, resource] = match;
  return nameprep(domain) !== undefined && (local === undefined || nodeprep(local) !== undefined) && (resource === undefined || resourceprep(resource) !== undefined);
}

/** Whether `user` is already in nodeprep form (ejabberd's import stops at a name that is not). */
export function isNodeprepped(user: string): boolean {
  return user.isWellFormed() && nodeprep(user) === user;
}

/** Reports `what` as not carried and says so when writing for ejabberd's importer, which drops it. */
export function droppedByEjabberd(ctx: CodecContext, what: string): boolean {
  if (ctx.flavor !== "ejabberd") return false;
  ctx.lost(what);
  return true;
}

/** Whether attribute text is a decimal number as `scalarText` writes one (times, counts). */
export function isNumericText(text: string): boolean {
  return /^-?\d+(\.\d+)?$/.test(text);
}

/** Text of a scalar field as an attribute value (`undefined` for tables and absent fields). */
export function scalarText(value: Value | undefined): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  return undefined;
}
