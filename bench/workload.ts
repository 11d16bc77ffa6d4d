import { Element } from "ltx";
import { LuaTable, type Value } from "../src/values/index.js";

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

/** A 20-contact roster with its `[false]` metadata entry. */
export function roster(version = 1): Value {
  const table = new LuaTable([[false, { version, pending: {} }]]);
  for (let c = 0; c < 20; c++) table.set(`friend${c}@example.net`, { subscription: "both", name: `Friend ${c}`, groups: { Friends: true } });
  return table;
}
