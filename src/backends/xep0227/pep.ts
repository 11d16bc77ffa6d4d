import { Element } from "ltx";
import type { Value, ValueObject } from "../../values/index.js";
import { NS, droppedByEjabberd, extendedAttrs, fieldsOf, pairsOf, readExtended, scalarText, unknownFields, type CodecContext, type KeyValCodec } from "./codec.js";
import { childOf, childrenOf, localName } from "./xml.js";

/**
 * PEP node records (mod_pep's `pep` store: node -> `{ name, config, affiliations, subscribers }`,
 * or `true` in old data) as `<pubsub xmlns='…#owner'>` with `<configure>`, `<affiliations>` and
 * `<subscriptions>` per node, the configuration as the data form Prosody's pubsub library makes
 * (`pubsub#…` fields). Prosody's exporter writes subscriptions with `subscribed='subscribed'`
 * (a typo its importer then does not read); both spellings are read here.
 */

type FieldKind = "text" | "boolean" | "max";

/** Prosody's node_config_form: config key -> form field. */
const CONFIG_FIELDS: Record<string, { var: string; kind: FieldKind; type: string }> = {
  title: { var: "pubsub#title", kind: "text", type: "text-single" },
  description: { var: "pubsub#description", kind: "text", type: "text-single" },
  payload_type: { var: "pubsub#type", kind: "text", type: "text-single" },
  max_items: { var: "pubsub#max_items", kind: "max", type: "text-single" },
  persist_items: { var: "pubsub#persist_items", kind: "boolean", type: "boolean" },
  access_model: { var: "pubsub#access_model", kind: "text", type: "list-single" },
  publish_model: { var: "pubsub#publish_model", kind: "text", type: "list-single" },
  send_last_published_item: { var: "pubsub#send_last_published_item", kind: "text", type: "list-single" },
  notify_items: { var: "pubsub#deliver_notifications", kind: "boolean", type: "boolean" },
  include_payload: { var: "pubsub#deliver_payloads", kind: "boolean", type: "boolean" },
  notification_type: { var: "pubsub#notification_type", kind: "text", type: "list-single" },
  notify_delete: { var: "pubsub#notify_delete", kind: "boolean", type: "boolean" },
  notify_retract: { var: "pubsub#notify_retract", kind: "boolean", type: "boolean" },
};
const NODE_CONFIG = "http://jabber.org/protocol/pubsub#node_config";
/** Subscription options keep their `pubsub#…` names as keys (Prosody's subscribe_options form). */
const AS_IS = {} as typeof CONFIG_FIELDS;
const SUBSCRIBE_OPTIONS = "http://jabber.org/protocol/pubsub#subscribe_options";

function fieldValue(kind: FieldKind, text: string): Value {
  if (kind === "boolean") return text === "1" || text === "true";
  if (kind === "max") return /^\d+$/.test(text) ? Number(text) : text;
  return text;
}

/** A submitted data form; `known` maps keys to fields, other scalar keys become `pubsub#KEY` booleans/text. */
function formOf(formType: string, values: ValueObject, ctx: CodecContext, what: string, known = CONFIG_FIELDS): Element {
  const form = new Element("x", { xmlns: NS.data, type: "submit" });
  form.c("field", { var: "FORM_TYPE", type: "hidden" }).c("value").t(formType);
  for (const [key, value] of Object.entries(values)) {
    const field = known[key] ?? { var: key.startsWith("pubsub#") ? key : `pubsub#${key}`, kind: typeof value === "boolean" ? "boolean" : "text", type: typeof value === "boolean" ? "boolean" : "text-single" };
    const text = typeof value === "boolean" ? (value ? "1" : "0") : scalarText(value);
    if (text === undefined || (!known[key] && typeof value !== "boolean" && typeof value !== "string")) {
      ctx.lost(`${what}: ${key} (${typeof value === "object" ? "a table" : "a " + typeof value} the form cannot type)`);
      continue;
    }
    form.c("field", { var: field.var, type: field.type }).c("value").t(text);
  }
  return form;
}

function formValues(form: Element | undefined, known = CONFIG_FIELDS): ValueObject {
  const values: ValueObject = {};
  const byVar = new Map(Object.entries(known).map(([key, field]) => [field.var, { key, kind: field.kind }]));
  for (const field of form ? childrenOf(form, "field") : []) {
    const name = field.attrs.var;
    if (typeof name !== "string" || name === "FORM_TYPE") continue;
    const text = childOf(field, "value")?.getText() ?? "";
    const key = known === AS_IS ? name : name.replace(/^pubsub#/, "");
    const mapped = byVar.get(name) ?? { key, kind: field.attrs.type === "boolean" ? "boolean" : "text" };
    values[mapped.key] = fieldValue(mapped.kind as FieldKind, text);
  }
  return values;
}

export const pepCodec: KeyValCodec = {
  store: "pep",
  decode(user) {
    const owner = childOf(user, "pubsub", NS.pubsubOwner);
    if (!owner) return { value: undefined, used: [] };
    const nodes: ValueObject = {};
    const nodeOf = (name: string) => (nodes[name] ??= { name, config: {}, affiliations: {}, subscribers: {} }) as ValueObject;
    for (const element of owner.getChildElements()) {
      const name = element.attrs.node;
      if (typeof name !== "string") continue;
      if (localName(element) === "configure") {
        if (readExtended(element).get("record") === "true") nodes[name] = true;
        else nodeOf(name).config = formValues(childOf(element, "x", NS.data));
      } else if (localName(element) === "affiliations") {
        const affiliations = nodeOf(name).affiliations as ValueObject;
        for (const a of childrenOf(element, "affiliation")) if (a.attrs.jid && a.attrs.affiliation) affiliations[a.attrs.jid] = a.attrs.affiliation;
      } else if (localName(element) === "subscriptions") {
        const subscribers = nodeOf(name).subscribers as ValueObject;
        for (const s of childrenOf(element, "subscription")) {
          if (!s.attrs.jid || (s.attrs.subscription ?? s.attrs.subscribed) !== "subscribed") continue;
          const options = childOf(s, "options");
          subscribers[s.attrs.jid] = options ? formValues(childOf(options, "x", NS.data), AS_IS) : true;
        }
      }
    }
    return { value: nodes, used: [owner] };
  },
  encode(value, ctx) {
    if (droppedByEjabberd(ctx, "PEP nodes (ejabberd's importer drops PEP)")) return { children: [] };
    const owner = new Element("pubsub", { xmlns: NS.pubsubOwner });
    for (const [node, record] of pairsOf(value)) {
      if (typeof node !== "string") continue;
      if (record === true) {
        owner.c("configure", { node, ...extendedAttrs({ record: "true" }) });
        continue;
      }
      const fields = fieldsOf(record) ?? {};
      const configure = owner.c("configure", { node });
      configure.cnode(formOf(NODE_CONFIG, fieldsOf(fields.config) ?? {}, ctx, `PEP node ${node} config`));
      const affiliations = pairsOf(fields.affiliations);
      if (affiliations.length > 0) {
        const element = owner.c("affiliations", { node });
        for (const [jid, affiliation] of affiliations) if (typeof jid === "string" && typeof affiliation === "string") element.c("affiliation", { jid, affiliation });
      }
      const subscribers = pairsOf(fields.subscribers);
      if (subscribers.length > 0) {
        const element = owner.c("subscriptions", { node });
        for (const [jid, options] of subscribers) {
          if (typeof jid !== "string") continue;
          const sub = element.c("subscription", { jid, subscription: "subscribed" });
          if (options !== true) sub.c("options").cnode(formOf(SUBSCRIBE_OPTIONS, fieldsOf(options) ?? {}, ctx, `PEP node ${node} subscriber ${jid}`, AS_IS));
        }
      }
      for (const field of unknownFields(fields, ["name", "config", "affiliations", "subscribers"])) ctx.lost(`PEP node ${node}: field ${field}`);
    }
    return { children: [owner] };
  },
};
