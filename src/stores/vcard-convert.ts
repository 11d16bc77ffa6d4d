import { Element } from "ltx";

/** vCard4 (RFC 6351's XML form) as XEP-0292 and mod_vcard4 use it. */
export const VCARD4_NS = "urn:ietf:params:xml:ns:vcard-4.0";
const VCARD_TEMP_NS = "vcard-temp";

/**
 * Fields copied as one text in each direction: the vCard4 element and the child holding its
 * value. vcard-temp spells the same name in upper case (mod_vcard_legacy's simple map).
 */
const SIMPLE: Record<string, string> = {
  nickname: "text", title: "text", role: "text", categories: "text", note: "text", url: "uri", bday: "date",
};

/** vcard-temp ADR parts and their vCard4 names, in vcard-temp order. */
const ADR: Array<[string, string]> = [
  ["POBOX", "pobox"], ["EXTADD", "ext"], ["STREET", "street"], ["LOCALITY", "locality"], ["REGION", "region"], ["PCODE", "code"], ["CTRY", "country"],
];

/** vcard-temp N parts and their vCard4 names. */
const N: Array<[string, string]> = [["FAMILY", "surname"], ["GIVEN", "given"], ["MIDDLE", "additional"], ["PREFIX", "prefix"], ["SUFFIX", "suffix"]];

function childText(parent: Element | undefined, name: string): string | undefined {
  const child = parent?.getChild(name);
  return child === undefined ? undefined : child.text();
}

/** Adds `<name>text</name>`; as util.stanza's text_tag, an absent text still adds the element, empty. */
function textTag(parent: Element, name: string, text: string | undefined): void {
  const child = parent.c(name);
  if (text) child.t(text);
}

/** vCard4 `parameters/type/text`: "home", "work" or undefined. */
function placeOf(field: Element): string | undefined {
  return childText(field.getChild("parameters")?.getChild("type"), "text");
}

/** vcard-temp's HOME/WORK marker, as mod_vcard_legacy adds it. */
function markPlace(target: Element, place: string | undefined): void {
  if (place === "home") target.c("HOME");
  else if (place === "work") target.c("WORK");
}

/** vCard4's `<parameters><type><text>home|work</text></type></parameters>` (the `type` empty otherwise). */
function addPlace(target: Element, source: Element): void {
  const type = target.c("parameters").c("type");
  if (source.getChild("HOME")) type.c("text").t("home");
  else if (source.getChild("WORK")) type.c("text").t("work");
}

/**
 * A vCard4 as a vcard-temp vCard, field for field as mod_vcard_legacy answers a vcard-temp
 * request from the PEP vCard4 (FN, N, NICKNAME, TITLE, ROLE, CATEGORIES, NOTE, URL, BDAY, EMAIL,
 * TEL, ADR, JABBERID from `impp` xmpp: URIs, ORG). The avatar (PHOTO) lives in other PEP nodes.
 */
export function toVcardTemp(vcard4: Element): Element {
  const out = new Element("vCard", { xmlns: VCARD_TEMP_NS });
  textTag(out, "FN", childText(vcard4.getChild("fn"), "text"));
  const n = vcard4.getChild("n");
  const outN = out.c("N");
  for (const [temp, four] of N) textTag(outN, temp, childText(n, four));
  for (const field of vcard4.getChildElements()) {
    const simple = SIMPLE[field.name];
    if (simple !== undefined) {
      const text = childText(field, simple);
      if (text !== undefined) textTag(out, field.name.toUpperCase(), text);
    } else if (field.name === "email") {
      const text = childText(field, "text");
      if (text === undefined) continue;
      const email = out.c("EMAIL");
      textTag(email, "USERID", text);
      email.c("INTERNET");
      markPlace(email, placeOf(field));
    } else if (field.name === "tel") {
      const uri = childText(field, "uri");
      if (uri === undefined) continue;
      const tel = out.c("TEL");
      textTag(tel, "NUMBER", uri.startsWith("tel:") ? uri.slice(4) : uri);
      markPlace(tel, placeOf(field));
    } else if (field.name === "adr") {
      const adr = out.c("ADR");
      for (const [temp, four] of ADR) textTag(adr, temp, childText(field, four));
      markPlace(adr, placeOf(field));
    } else if (field.name === "impp") {
      const uri = childText(field, "uri");
      if (uri?.startsWith("xmpp:")) textTag(out, "JABBERID", uri.slice(5));
    } else if (field.name === "org") {
      textTag(out.c("ORG"), "ORGNAME", childText(field, "text"));
    }
  }
  return out;
}

/**
 * A vcard-temp vCard as a vCard4, as mod_vcard_legacy converts a vcard-temp upload before
 * publishing it (DESC becomes `note`; PHOTO, which it turns into avatar nodes, is not part of
 * the vCard4 and is left out).
 */
export function fromVcardTemp(vcardTemp: Element): Element {
  const out = new Element("vcard", { xmlns: VCARD4_NS });
  textTag(out.c("fn"), "text", childText(vcardTemp, "FN"));
  const n = vcardTemp.getChild("N");
  const outN = out.c("n");
  for (const [temp, four] of N) textTag(outN, four, childText(n, temp));
  for (const field of vcardTemp.getChildElements()) {
    const simple = SIMPLE[field.name.toLowerCase()];
    if (simple !== undefined) {
      textTag(out.c(field.name.toLowerCase()), simple, field.text());
    } else if (field.name === "EMAIL") {
      const text = childText(field, "USERID");
      if (text === undefined) continue;
      const email = out.c("email");
      textTag(email, "text", text);
      addPlace(email, field);
    } else if (field.name === "TEL") {
      // A TEL without NUMBER is left out (mod_vcard_legacy then writes a stray `parameters`).
      const text = childText(field, "NUMBER");
      if (text === undefined) continue;
      const tel = out.c("tel");
      textTag(tel, "uri", `tel:${text}`);
      addPlace(tel, field);
    } else if (field.name === "ORG") {
      const text = childText(field, "ORGNAME");
      if (text !== undefined) textTag(out.c("org"), "text", text);
    } else if (field.name === "DESC") {
      textTag(out.c("note"), "text", field.text());
    } else if (field.name === "ADR") {
      const adr = out.c("adr");
      for (const [temp, four] of ADR) textTag(adr, four, childText(field, temp));
      addPlace(adr, field);
    } else if (field.name === "JABBERID") {
      textTag(out.c("impp"), "uri", `xmpp:${field.text()}`);
    }
  }
  return out;
}
