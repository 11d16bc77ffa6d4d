import { createHash } from "node:crypto";
import { Element, clone } from "ltx";
import type { ArchiveRecord } from "../../archive/query.js";
import { NS, extendedAttrs, readExtended, type CodecContext } from "./codec.js";
import { childOf, childrenOf, detached, localName } from "./xml.js";

/**
 * Archive stores held in `<user/>`: the message archive (`archive`, as Prosody writes
 * `urn:xmpp:pie:0#mam`: `<result xmlns='urn:xmpp:mam:2' id>` around a forwarded message with its
 * delay), offline messages (`offline`, XEP-0227's `<offline-messages>`) and PEP items (`pep_NODE`,
 * `<pubsub xmlns='…pubsub'><items node><item id>PAYLOAD</item>`, the payload being what Prosody's
 * pubsub archive stores). Whatever XEP-0227 cannot say (an offline
 * message's id, a PEP item's time and publisher, an archive time's fraction, a `with` that is not
 * the other party) is kept in Prosody's extended attributes, which Prosody's importer ignores.
 * Prosody's importer gives PEP items the time 0 and the owner as publisher; so does this one
 * when the attributes are absent.
 */

export interface ArchiveCodec {
  /** Whether this codec holds the archive store `store`. */
  holds(store: string): boolean;
  decode(user: Element, ctx: CodecContext): { stores: Map<string, ArchiveRecord[]>; used: Element[] };
  encode(stores: ReadonlyArray<[string, readonly ArchiveRecord[]]>, ctxFor: (store: string) => CodecContext): Element[];
}

const bare = (jid: string | undefined) => (jid === undefined ? "" : jid.replace(/\/.*$/, ""));

function stampOf(when: number): string {
  return new Date(Math.floor(when) * 1000).toISOString().replace(".000Z", "Z");
}

/** Seconds from an XEP-0082 time, or undefined. */
function parseStamp(stamp: string | undefined): number | undefined {
  const ms = stamp === undefined ? NaN : Date.parse(stamp);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

function numberAttr(text: string | undefined): number | undefined {
  return text !== undefined && text.trim() !== "" && Number.isFinite(Number(text)) ? Number(text) : undefined;
}

/**
 * The stanza as Prosody stores it: without the jabber:client namespace its c2s streams leave
 * implied, unless `explicit` (an extended attribute says the stored stanza named it).
 */
function asStored(message: Element, explicit: boolean): Element {
  const copy = detached(message);
  if (copy.attrs.xmlns === NS.client && !explicit) delete copy.attrs.xmlns;
  return copy;
}

/** The stanza in jabber:client, as the format needs; `marks` gets `xmlns` when the stored one named it itself. */
function asClientStanza(value: Element, ctx: CodecContext, what: string, marks: Record<string, string>): Element {
  const copy = clone(value);
  if (copy.attrs.xmlns !== undefined && copy.attrs.xmlns !== NS.client) ctx.lost(`${what}: its namespace ${copy.attrs.xmlns} (written as jabber:client)`);
  if (copy.attrs.xmlns === NS.client) marks.xmlns = NS.client;
  copy.attrs.xmlns = NS.client;
  return copy;
}

export const mamCodec: ArchiveCodec = {
  holds: (store) => store === "archive",
  decode(user, ctx) {
    const archive = childOf(user, "archive", NS.mam);
    const records: ArchiveRecord[] = [];
    const self = `${ctx.user}@${ctx.host}`;
    for (const result of archive ? childrenOf(archive, "result", NS.mam2) : []) {
      const forwarded = childOf(result, "forwarded", NS.forward);
      const message = forwarded && childOf(forwarded, "message", NS.client);
      if (!message || typeof result.attrs.id !== "string") {
        ctx.lost(`archive result ${JSON.stringify(result.attrs.id ?? "")} without an id or a forwarded jabber:client message`);
        continue;
      }
      const extended = readExtended(result);
      const derived = bare(message.attrs.to) === self ? bare(message.attrs.from) : bare(message.attrs.to);
      const when = numberAttr(extended.get("when")) ?? parseStamp(childOf(forwarded!, "delay", NS.delay)?.attrs.stamp) ?? 0;
      records.push({ key: result.attrs.id, when, with: extended.get("with") ?? derived, value: asStored(message, extended.has("xmlns")) });
    }
    return { stores: new Map(archive ? [["archive", records]] : []), used: archive ? [archive] : [] };
  },
  encode(stores, ctxFor) {
    const ctx = ctxFor("archive");
    const records = stores.find(([store]) => store === "archive")?.[1] ?? [];
    if (records.length === 0) return [];
    if (ctx.flavor === "ejabberd") {
      ctx.lost(`${records.length} archived message(s) (ejabberd's importer drops MAM)`);
      return [];
    }
    const archive = new Element("archive", { xmlns: NS.mam });
    const self = `${ctx.user}@${ctx.host}`;
    for (const record of records) {
      if (record.value.name !== "message") {
        ctx.lost(`archive item ${record.key}: a <${record.value.name}/>, not a message`);
        continue;
      }
      const extra: Record<string, string> = {};
      const message = asClientStanza(record.value, ctx, `archive item ${record.key}`, extra);
      const derived = bare(message.attrs.to) === self ? bare(message.attrs.from) : bare(message.attrs.to);
      if ((record.with ?? "") !== derived) extra.with = record.with ?? "";
      if (!Number.isInteger(record.when)) extra.when = String(record.when);
      const result = archive.c("result", { xmlns: NS.mam2, id: record.key, ...extendedAttrs(extra) });
      result.c("forwarded", { xmlns: NS.forward }).c("delay", { xmlns: NS.delay, stamp: stampOf(record.when) }).up().cnode(message);
    }
    return [archive];
  },
};

/** A stable id for a message that came without one (ejabberd's exports), so re-runs do not duplicate it. */
function contentId(message: Element, index: number): string {
  const sid = childrenOf(message, "stanza-id", "urn:xmpp:sid:0")[0]?.attrs.id;
  return typeof sid === "string" && sid !== "" ? sid : createHash("sha256").update(`${index}\0${message.toString()}`).digest("hex").slice(0, 16);
}

/** The message without the extended attributes this format added to it. */
function withoutExtended(message: Element): Element {
  for (const name of Object.keys(message.attrs)) {
    const colon = name.indexOf(":");
    if (name.startsWith("xmlns:") ? message.attrs[name] === NS.extended : colon > 0 && message.findNS(name.slice(0, colon)) === NS.extended) {
      if (!name.startsWith("xmlns:")) delete message.attrs[name];
    }
  }
  for (const name of Object.keys(message.attrs)) if (name.startsWith("xmlns:") && message.attrs[name] === NS.extended) delete message.attrs[name];
  return message;
}

export const offlineCodec: ArchiveCodec = {
  holds: (store) => store === "offline",
  decode(user) {
    const list = childOf(user, "offline-messages");
    const records: ArchiveRecord[] = (list ? list.getChildElements().filter((m) => localName(m) === "message") : []).map((message, index) => {
      const extended = readExtended(message);
      const value = withoutExtended(asStored(message, extended.has("xmlns")));
      const when = numberAttr(extended.get("when")) ?? parseStamp(childOf(message, "delay", NS.delay)?.attrs.stamp) ?? 0;
      return { key: extended.get("key") ?? contentId(message, index), when, with: extended.get("with") ?? "", value };
    });
    return { stores: new Map(list ? [["offline", records]] : []), used: list ? [list] : [] };
  },
  encode(stores, ctxFor) {
    const ctx = ctxFor("offline");
    const records = stores.find(([store]) => store === "offline")?.[1] ?? [];
    if (records.length === 0) return [];
    const list = new Element("offline-messages");
    for (const record of records) {
      const what = `offline message ${record.key}`;
      if (record.value.name !== "message") {
        ctx.lost(`${what}: a <${record.value.name}/>, not a message`);
        continue;
      }
      const marks: Record<string, string> = {};
      const message = asClientStanza(record.value, ctx, what, marks);
      if (ctx.flavor === "ejabberd" && (typeof message.attrs.from !== "string" || message.attrs.from === "")) {
        ctx.lost(`${what}: no from (ejabberd's import would stop there)`);
        continue;
      }
      // ejabberd's importer ignores these attributes; they let xmppstore read its own file back exactly.
      Object.assign(message.attrs, extendedAttrs({ ...marks, key: record.key, when: String(record.when), ...(record.with ? { with: record.with } : {}) }));
      list.cnode(message);
    }
    return [list];
  },
};

const PEP_PREFIX = "pep_";

export const pepItemsCodec: ArchiveCodec = {
  holds: (store) => store.startsWith(PEP_PREFIX) && store.length > PEP_PREFIX.length,
  decode(user, ctx) {
    const pubsub = childOf(user, "pubsub", NS.pubsub);
    const stores = new Map<string, ArchiveRecord[]>();
    for (const items of pubsub ? childrenOf(pubsub, "items") : []) {
      if (typeof items.attrs.node !== "string" || items.attrs.node === "") continue;
      const records: ArchiveRecord[] = [];
      for (const item of childrenOf(items, "item")) {
        // The item's payload is what Prosody's pubsub archive stores (its `<item/>` is rebuilt on use).
        const payload = item.getChildElements()[0];
        if (!payload || typeof item.attrs.id !== "string") {
          ctx.lost(`PEP item ${JSON.stringify(item.attrs.id ?? "")} of node ${items.attrs.node} without an id or a payload`);
          continue;
        }
        const extended = readExtended(item);
        records.push({ key: item.attrs.id, when: numberAttr(extended.get("when")) ?? 0, with: extended.get("with") ?? `${ctx.user}@${ctx.host}`, value: detached(payload) });
      }
      stores.set(`${PEP_PREFIX}${items.attrs.node}`, records);
    }
    return { stores, used: pubsub ? [pubsub] : [] };
  },
  encode(stores, ctxFor) {
    const pubsub = new Element("pubsub", { xmlns: NS.pubsub });
    for (const [store, records] of stores) {
      if (!this.holds(store) || records.length === 0) continue;
      const ctx = ctxFor(store);
      if (ctx.flavor === "ejabberd") {
        ctx.lost(`${records.length} PEP item(s) (ejabberd's importer drops PEP)`);
        continue;
      }
      const items = pubsub.c("items", { node: store.slice(PEP_PREFIX.length) });
      for (const record of records) {
        const extra: Record<string, string> = {};
        if (record.when !== 0) extra.when = String(record.when);
        if ((record.with ?? "") !== `${ctx.user}@${ctx.host}`) extra.with = record.with ?? "";
        items.c("item", { id: record.key, ...extendedAttrs(extra) }).cnode(clone(record.value));
      }
    }
    return pubsub.children.length > 0 ? [pubsub] : [];
  },
};

export const ARCHIVE_CODECS: readonly ArchiveCodec[] = [mamCodec, offlineCodec, pepItemsCodec];
