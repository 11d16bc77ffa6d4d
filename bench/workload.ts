import { Element } from "ltx";
import { LuaTable, type LuaKey, type Value } from "../src/values/index.js";

/** The data the backend benchmarks store, the same on both sides of a comparison. */
export const CONTACTS = 100;

export const contact = (i: number) => `contact${i % CONTACTS}@example.net`;
export const itemId = (i: number) => `id-${String(i).padStart(8, "0")}`;

/** A chat message of typical size: body with non-ASCII text and quotes, plus an origin-id. */
export function message(i: number): Element {
  const el = new Element("message", { xmlns: "jabber:client", type: "chat", id: `msg${i}`, from: `${contact(i)}/phone`, to: "juliet@example.com" });
  el.c("body").t(`Message number ${i}: the quick brown fox jumps over the lazy dog, with ünïcødé and "quotes".`);
  el.c("origin-id", { xmlns: "urn:xmpp:sid:0", id: `origin${i}` });
  return el;
}

/** A roster of `contacts` contacts (20 by default) with its `[false]` metadata entry. */
export function roster(version = 1, contacts = 20): Value {
  const table = new LuaTable([[false, { version, pending: {} }]]);
  for (let c = 0; c < contacts; c++) table.set(`friend${c}@example.net`, { subscription: "both", name: `Friend ${c}`, groups: { Friends: true } });
  return table;
}

/** A vcard-temp vCard of a few kB as mod_vcard keeps it: `st.preserialize` of the <vCard/>, with a small photo. */
export function vcard(): Value {
  const field = (name: string, text: string): Value => new LuaTable([["name", name], ["attr", {}], [1, text]]);
  const photo = new LuaTable([["name", "PHOTO"], ["attr", {}], [1, field("TYPE", "image/png")], [2, field("BINVAL", "iVBORw0KGgo".repeat(300))]]);
  const entries: Array<[LuaKey, Value]> = [["name", "vCard"], ["attr", { xmlns: "vcard-temp" }]];
  const children = [field("FN", "Juliet Capulet"), field("NICKNAME", "Jules"), field("URL", "https://example.com/~juliet"), field("BDAY", "1996-07-16"), field("DESC", "Balcony enthusiast; writes \"letters\".\nSecond line."), photo];
  children.forEach((child, i) => entries.push([i + 1, child]));
  return new LuaTable(entries);
}
