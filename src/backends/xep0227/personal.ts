import { Element } from "ltx";
import { LuaTable, type ValueObject } from "../../values/index.js";
import { NS, droppedByEjabberd, elementOf, extendedAttrs, fieldsOf, isNumericText, pairsOf, readExtended, scalarText, storedTable, unknownFields, type KeyValCodec } from "./codec.js";
import { childOf, childrenOf, localName, nsOf } from "./xml.js";

/** vCard (mod_vcard: the preserialized `<vCard xmlns='vcard-temp'/>`). */
export const vcardCodec: KeyValCodec = {
  store: "vcard",
  decode(user) {
    const vcard = childOf(user, "vCard", NS.vcard);
    return { value: vcard ? storedTable(vcard) : undefined, used: vcard ? [vcard] : [] };
  },
  encode(value, ctx) {
    const vcard = elementOf(value);
    if (vcard?.name === "vCard" && vcard.attrs.xmlns === NS.vcard) return { children: [vcard] };
    ctx.lost("a value that is not a <vCard xmlns='vcard-temp'/>");
    return { children: [] };
  },
};

/** Private XML (mod_private: `name:namespace` -> preserialized element) as `<query xmlns='jabber:iq:private'>`. */
export const privateCodec: KeyValCodec = {
  store: "private",
  decode(user) {
    const query = childOf(user, "query", NS.private);
    if (!query) return { value: undefined, used: [] };
    const value: ValueObject = {};
    for (const child of query.getChildElements()) value[`${localName(child)}:${nsOf(child) ?? ""}`] = storedTable(child);
    return { value, used: [query] };
  },
  encode(value, ctx) {
    const query = new Element("query", { xmlns: NS.private });
    for (const [key, stored] of pairsOf(value)) {
      const element = elementOf(stored);
      if (element && key === `${element.name}:${element.attrs.xmlns ?? ""}`) query.cnode(element);
      else ctx.lost(`private XML under key ${String(key)} (not the element's name:namespace)`);
    }
    return { children: query.children.length > 0 ? [query] : [] };
  },
};

const PRIVACY_ITEM_FIELDS = ["type", "value", "action", "order", "message", "iq", "presence-in", "presence-out"];
const STANZA_KINDS = ["message", "iq", "presence-in", "presence-out"];

/** Privacy lists (`{ lists = { [name] = { name, items } }, default }`) as `<query xmlns='jabber:iq:privacy'>`. */
export const privacyCodec: KeyValCodec = {
  store: "privacy",
  decode(user) {
    const query = childOf(user, "query", NS.privacy);
    if (!query) return { value: undefined, used: [] };
    const lists: ValueObject = {};
    for (const list of childrenOf(query, "list")) {
      const name = list.attrs.name ?? "";
      const items = childrenOf(list, "item").map((item) => {
        const entry: ValueObject = { action: item.attrs.action === "allow" ? "allow" : "deny", order: Number(item.attrs.order ?? 0) };
        if (typeof item.attrs.type === "string") entry.type = item.attrs.type;
        if (typeof item.attrs.value === "string") entry.value = item.attrs.value;
        // mod_privacy stores all four kinds (true or false) on a rule that names any, none otherwise.
        const kinds = item.getChildElements().map(localName).filter((name) => STANZA_KINDS.includes(name));
        if (kinds.length > 0) for (const kind of STANZA_KINDS) entry[kind] = kinds.includes(kind);
        return entry;
      });
      lists[name] = { name, items };
    }
    const value: ValueObject = { lists };
    const fallback = childOf(query, "default")?.attrs.name;
    if (typeof fallback === "string") value.default = fallback;
    return { value, used: [query] };
  },
  encode(value, ctx) {
    const fields = fieldsOf(value) ?? {};
    const query = new Element("query", { xmlns: NS.privacy });
    if (typeof fields.default === "string") query.c("default", { name: fields.default });
    for (const [name, list] of pairsOf(fields.lists)) {
      if (typeof name !== "string") continue;
      const element = query.c("list", { name });
      for (const [, item] of pairsOf(fieldsOf(list)?.items)) {
        const itemFields = fieldsOf(item) ?? {};
        const attrs: Record<string, string> = {};
        for (const attr of ["type", "value", "action", "order"]) {
          const text = scalarText(itemFields[attr]);
          if (text !== undefined) attrs[attr] = text;
        }
        const rule = element.c("item", attrs);
        for (const kind of STANZA_KINDS) if (itemFields[kind] === true) rule.c(kind);
        for (const field of unknownFields(itemFields, PRIVACY_ITEM_FIELDS)) ctx.lost(`privacy list ${name}: item field ${field}`);
      }
    }
    for (const field of unknownFields(fields, ["default", "lists"])) ctx.lost(`privacy field ${field}`);
    return { children: [query] };
  },
};

/**
 * Blocking (mod_blocklist: `{ [false] = { created, modified }, [jid] = since }`). XEP-0227 has
 * no element for it; this writes `<blocklist xmlns='urn:xmpp:blocking'>` (as XEP-0191 does on the
 * wire), with times as extended attributes. ejabberd's importer ignores it (reported).
 */
export const blocklistCodec: KeyValCodec = {
  store: "blocklist",
  decode(user) {
    const list = childOf(user, "blocklist", NS.blocking);
    if (!list) return { value: undefined, used: [] };
    const table = new LuaTable();
    const meta: ValueObject = {};
    for (const [name, text] of readExtended(list)) meta[name] = isNumericText(text) ? Number(text) : text;
    if (Object.keys(meta).length > 0) table.set(false, meta);
    for (const item of childrenOf(list, "item")) {
      const since = readExtended(item).get("since");
      if (typeof item.attrs.jid === "string") table.set(item.attrs.jid, since !== undefined && isNumericText(since) ? Number(since) : true);
    }
    return { value: table, used: [list] };
  },
  encode(value, ctx) {
    if (droppedByEjabberd(ctx, "the blocklist (ejabberd's importer ignores it)")) return { children: [] };
    const list = new Element("blocklist", { xmlns: NS.blocking });
    for (const [key, entry] of pairsOf(value)) {
      if (key === false) {
        const times: Record<string, string> = {};
        for (const [name, field] of Object.entries(fieldsOf(entry) ?? {})) {
          const text = scalarText(field);
          if (text !== undefined) times[name] = text;
          else ctx.lost(`blocklist metadata field ${name}`);
        }
        Object.assign(list.attrs, extendedAttrs(times));
      } else if (typeof key === "string" && entry !== false) {
        list.c("item", { jid: key, ...(typeof entry === "number" ? extendedAttrs({ since: String(entry) }) : {}) });
      } else if (entry !== false) ctx.lost(`blocklist entry under key ${String(key)}`);
    }
    return { children: [list] };
  },
};
