import { Element } from "ltx";
import { LuaTable, isTable, tablePairs, type Value, type ValueObject } from "../../values/index.js";
import { NS, acceptableJid, elementOf, fieldsOf, pairsOf, storedTable, unknownFields, type CodecContext, type KeyValCodec, type UserPart } from "./codec.js";
import { childOf, childrenOf, nsOf } from "./xml.js";

/**
 * Rosters (rostermanager's `{ [jid] = item, [false] = { version, pending } }`) as
 * `<query xmlns='jabber:iq:roster' ver=…>` and, for inbound subscription requests, `<presence
 * type='subscribe'/>` beside it. Prosody's exporter writes those presences without a namespace
 * (so they inherit urn:xmpp:pie:0, and its importer, which looks for jabber:client, loses them);
 * both are read here, and written in jabber:client. Versions are numbers in Prosody and strings in
 * XML (Prosody writes `version`, RFC 6121 `ver`: both are read); digits read back as numbers.
 */

const ITEM_FIELDS = ["subscription", "ask", "name", "groups", "approved"];
const SUBSCRIPTIONS = ["none", "to", "from", "both"];

function itemValue(item: Element): ValueObject {
  const value: ValueObject = { subscription: SUBSCRIPTIONS.includes(item.attrs.subscription) ? item.attrs.subscription : "none" };
  if (typeof item.attrs.name === "string") value.name = item.attrs.name;
  if (item.attrs.ask === "subscribe") value.ask = "subscribe";
  if (item.attrs.approved === "true" || item.attrs.approved === "1") value.approved = "true";
  const groups: ValueObject = {};
  for (const group of childrenOf(item, "group")) groups[group.getText()] = true;
  value.groups = groups;
  return value;
}

/** A pending request: `true`, or the presence Prosody kept when it had more than who and what. */
function pendingValue(presence: Element): Value {
  const { xmlns: _ns, from: _from, type: _type, to: _to, ...other } = presence.attrs as Record<string, string>;
  if (presence.children.length === 0 && Object.keys(other).length === 0) return true;
  const table = storedTable(presence) as ValueObject;
  const attr = { ...(table.attr as ValueObject) };
  if (attr.xmlns === NS.client || attr.xmlns === NS.pie) delete attr.xmlns;
  return Object.assign(table, { attr });
}

function isPendingPresence(el: Element): boolean {
  return el.name === "presence" && el.attrs.type === "subscribe" && typeof el.attrs.from === "string" && [NS.client, NS.pie, undefined].includes(nsOf(el) as never);
}

function itemElement(jid: string, fields: ValueObject, ctx: CodecContext): Element | undefined {
  const ejabberd = ctx.flavor === "ejabberd";
  if (ejabberd && !acceptableJid(jid)) {
    ctx.lost(`roster item ${JSON.stringify(jid)} (not a valid JID: ejabberd's import would stop there)`);
    return undefined;
  }
  const attrs: Record<string, string> = { jid };
  if (typeof fields.subscription === "string" && SUBSCRIPTIONS.includes(fields.subscription)) attrs.subscription = fields.subscription;
  if (typeof fields.name === "string") attrs.name = fields.name;
  if (fields.ask === "subscribe") {
    attrs.ask = "subscribe";
    if (ejabberd) ctx.lost(`roster item ${jid}: ask="subscribe" (ejabberd never imports it)`);
  }
  if (fields.approved === "true" || fields.approved === true) attrs.approved = "true";
  for (const field of unknownFields(fields, ITEM_FIELDS)) ctx.lost(`roster item ${jid}: field ${field}`);
  const item = new Element("item", attrs);
  for (const [group, member] of pairsOf(fields.groups)) {
    if (typeof group !== "string" || !member) continue;
    if (ejabberd && group === "") ctx.lost(`roster item ${jid}: an empty group name (ejabberd's import would stop there)`);
    else item.c("group").t(group);
  }
  return item;
}

function pendingElement(jid: string, stored: Value, ctx: CodecContext): Element | undefined {
  if (ctx.flavor === "ejabberd" && !acceptableJid(jid)) {
    ctx.lost(`pending subscription from ${JSON.stringify(jid)} (not a valid JID: ejabberd's import would stop there)`);
    return undefined;
  }
  const kept = stored === true ? undefined : elementOf(stored);
  const presence = kept ?? new Element("presence");
  presence.attrs.xmlns = NS.client;
  presence.attrs.from = jid;
  presence.attrs.type = "subscribe";
  return presence;
}

export const rosterCodec: KeyValCodec = {
  store: "roster",
  decode(user, ctx) {
    const query = childOf(user, "query", NS.roster);
    const presences = user.getChildElements().filter(isPendingPresence);
    if (!query && presences.length === 0) return { value: undefined, used: [] };
    const roster = new LuaTable();
    const meta: ValueObject = { pending: {} };
    const version = query?.attrs.version ?? query?.attrs.ver;
    if (typeof version === "string") meta.version = /^\d+$/.test(version) ? Number(version) : version === "true" ? true : version;
    for (const presence of presences) (meta.pending as ValueObject)[presence.attrs.from] = pendingValue(presence);
    roster.set(false, meta);
    for (const item of query ? childrenOf(query, "item") : []) {
      // An item without a jid (Prosody's exporter writes one for a contact jid_prep refuses) has nothing to be filed under.
      if (typeof item.attrs.jid === "string") roster.set(item.attrs.jid, itemValue(item));
      else ctx.lost(`a roster item without jid (${item.toString()})`);
    }
    return { value: roster, used: [...(query ? [query] : []), ...presences] };
  },
  encode(value, ctx): UserPart {
    const query = new Element("query", { xmlns: NS.roster });
    const children = [query];
    for (const [key, entry] of isTable(value) ? tablePairs(value) : []) {
      if (key === false) {
        const meta = fieldsOf(entry) ?? {};
        if (typeof meta.version === "number" || typeof meta.version === "string" || meta.version === true) query.attrs.version = String(meta.version);
        for (const [jid, stored] of pairsOf(meta.pending)) {
          const presence = typeof jid === "string" ? pendingElement(jid, stored, ctx) : undefined;
          if (presence) children.push(presence);
        }
        for (const field of unknownFields(meta, ["version", "pending"])) ctx.lost(`roster metadata field ${field}`);
      } else if (typeof key === "string" && fieldsOf(entry)) {
        const item = itemElement(key, fieldsOf(entry)!, ctx);
        if (item) query.cnode(item);
      } else ctx.lost(`roster entry under key ${String(key)}`);
    }
    return { children };
  },
};
