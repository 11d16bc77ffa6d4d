import { Element } from "ltx";
import type { ArchiveRecord } from "../../archive/query.js";
import type { Value } from "../../values/index.js";
import { accountsCodec } from "./accounts.js";
import { ARCHIVE_CODECS } from "./archives.js";
import type { CodecContext, Flavor, KeyValCodec } from "./codec.js";
import { pepCodec } from "./pep.js";
import { blocklistCodec, privacyCodec, privateCodec, vcardCodec } from "./personal.js";
import { rosterCodec } from "./roster.js";

/** Keyval stores in the order their elements are written (ejabberd's importer takes them in file order). */
export const KEYVAL_CODECS: readonly KeyValCodec[] = [accountsCodec, vcardCodec, privacyCodec, rosterCodec, privateCodec, blocklistCodec, pepCodec];
export const KEYVAL_STORES = KEYVAL_CODECS.map((codec) => codec.store);

export function keyvalCodec(store: string): KeyValCodec | undefined {
  return KEYVAL_CODECS.find((codec) => codec.store === store);
}

export function holdsArchive(store: string): boolean {
  return ARCHIVE_CODECS.some((codec) => codec.holds(store));
}

/** One user's data as Prosody's stores hold it, plus what the file had that no store takes. */
export interface UserData {
  keyval: Map<string, Value>;
  archives: Map<string, ArchiveRecord[]>;
  /** Children of `<user/>` no codec took, written back as found. */
  extra: Element[];
}

/** Makes the context for one store of one user. */
export type ContextFor = (store: string) => CodecContext;

export function decodeUser(user: Element, ctxFor: ContextFor): UserData {
  const data: UserData = { keyval: new Map(), archives: new Map(), extra: [] };
  const used = new Set<Element>();
  for (const codec of KEYVAL_CODECS) {
    const { value, used: taken } = codec.decode(user, ctxFor(codec.store));
    if (value !== undefined) data.keyval.set(codec.store, value);
    taken.forEach((el) => used.add(el));
  }
  for (const codec of ARCHIVE_CODECS) {
    const { stores, used: taken } = codec.decode(user, ctxFor("archive"));
    for (const [store, records] of stores) data.archives.set(store, records);
    taken.forEach((el) => used.add(el));
  }
  data.extra = user.getChildElements().filter((el) => !used.has(el));
  return data;
}

/** The `<user name=…/>` element of a user's data. */
export function encodeUser(name: string, data: UserData, ctxFor: ContextFor, flavor: Flavor): Element {
  const user = new Element("user", { name });
  for (const codec of KEYVAL_CODECS) {
    const value = data.keyval.get(codec.store);
    if (value === undefined) continue;
    const part = codec.encode(value, ctxFor(codec.store));
    Object.assign(user.attrs, part.attrs ?? {});
    part.children.forEach((child) => user.cnode(child));
  }
  const archives = [...data.archives].filter(([, records]) => records.length > 0);
  for (const codec of ARCHIVE_CODECS) codec.encode(archives, ctxFor).forEach((child) => user.cnode(child));
  // What another server wrote and no store takes stays; ejabberd gets only what it imports.
  if (flavor === "standard") data.extra.forEach((child) => user.cnode(child));
  return user;
}
