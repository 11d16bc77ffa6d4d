import assert from "node:assert/strict";
import { describe } from "node:test";
import { Element } from "ltx";
import { tableFromElement } from "../../src/format/lua/stanza.js";
import { LuaTable, elementsEqual, type Value } from "../../src/values/index.js";
import { assertValue, collect, holds, withEnv, conformanceIt as it, type ConformanceTarget } from "./context.js";

const T0 = 1_700_000_000;

/** Records as Prosody's modules store them, one per store: what every backend must give back as is. */
export function prosodyRecords(): Record<string, Value> {
  const vcard = new Element("vCard", { xmlns: "vcard-temp" });
  vcard.c("FN").t("Juliet Capulet").up().c("PHOTO").c("TYPE").t("image/png").up().c("BINVAL").t("iVBORw0KGgo=");
  return {
    accounts: { stored_key: "8d9a6b3f1e2c4d5a6b7c8d9e0f1a2b3c4d5e6f70", server_key: "0123456789abcdef0123456789abcdef01234567", salt: "4f0a8e1c-2b3d-4e5f-8a9b-0c1d2e3f4a5b", iteration_count: 10000 },
    roster: LuaTable.from(
      {
        "romeo@montague.example": { subscription: "both", name: "Romeo", groups: { Friends: true, Verona: true } },
        "benvolio@montague.example": { subscription: "none", ask: "subscribe", groups: {} },
        "nurse@capulet.example": { subscription: "from", groups: {}, approved: "true" },
      },
      [[false, { version: 7, pending: { "tybalt@capulet.example": true } }]],
    ),
    vcard: tableFromElement(vcard),
    private: { "storage:storage:bookmarks": tableFromElement(new Element("storage", { xmlns: "storage:bookmarks" }).c("conference", { jid: "lounge@conference.example", autojoin: "true" }).root()) },
    privacy: { default: "quiet", lists: { quiet: { name: "quiet", items: [{ type: "jid", value: "tybalt@capulet.example", action: "deny", order: 1, message: true, iq: false, "presence-in": true, "presence-out": false }, { action: "allow", order: 2 }] } } },
    blocklist: LuaTable.from({ "tybalt@capulet.example": T0, "spam.example": true }, [[false, { created: T0 }]]),
    pep: {
      "urn:xmpp:avatar:metadata": { name: "urn:xmpp:avatar:metadata", config: { max_items: 1, access_model: "presence", persist_items: true }, affiliations: { "juliet@example.com": "owner" }, subscribers: { "romeo@montague.example": true } },
    },
  };
}

/** A second account shape: SCRAM-SHA-256 with Prosody 13's fields; and a plain one. */
const MORE_ACCOUNTS: Value[] = [
  { stored_key: "a".repeat(64), server_key: "b".repeat(64), salt: "salt-256", iteration_count: 4096, created: T0, updated: T0 + 5, disabled: true },
  { password: "wherefore art thou" },
];

function offlineMessage(body: string): Element {
  const message = new Element("message", { from: "romeo@montague.example/balcony", to: "juliet@example.com", type: "chat" });
  message.c("body").t(body).up().c("delay", { xmlns: "urn:xmpp:delay", from: "example.com", stamp: "2023-11-14T22:13:20Z" });
  return message;
}

/**
 * The stores Prosody's own modules keep (accounts, roster, vCard, private XML, privacy lists,
 * blocklist, PEP nodes and items, offline messages), with the values those modules write: every
 * backend holding a store must give its records back unchanged, across managers where it
 * persists, and purge them.
 */
export function prosodyDataTests(target: ConformanceTarget): void {
  describe("data of Prosody's modules", () => {
    for (const [store, value] of Object.entries(prosodyRecords())) {
      it(target, `keeps a ${store} record as Prosody's module writes it`, () =>
        withEnv(target, async (env) => {
          const u = env.user();
          await (await env.sm.open(env.host, store)).set(u, value);
          assertValue(await (await env.sm.open(env.host, store)).get(u), value);
          assert.deepEqual(await collect((await env.sm.open(env.host, store)).users()), [u]);
          if (env.caps.persistent) assertValue(await (await (await env.reopen()).open(env.host, store)).get(u), value, "after reopening");
        }), (caps) => holds(caps, store, "keyval"));
    }

    it(target, "keeps SCRAM-SHA-256, Prosody 13 and plain account records", () =>
        withEnv(target, async (env) => {
          const users = MORE_ACCOUNTS.map(() => env.user());
          for (const [i, u] of users.entries()) await (await env.sm.open(env.host, "accounts")).set(u, MORE_ACCOUNTS[i]);
          const sm = env.caps.persistent ? await env.reopen() : env.sm;
          for (const [i, u] of users.entries()) assertValue(await (await sm.open(env.host, "accounts")).get(u), MORE_ACCOUNTS[i]);
        }), (caps) => holds(caps, "accounts", "keyval"));

    it(target, "reads and writes private XML key by key", () =>
        withEnv(target, async ({ sm, host, user }) => {
          const u = user();
          const map = await sm.open(host, "private", "map");
          const notes = tableFromElement(new Element("notes", { xmlns: "urn:example:notes" }).c("note").t("hi").root());
          await map.set(u, "notes:urn:example:notes", notes);
          await map.set(u, "storage:storage:bookmarks", (prosodyRecords().private as Record<string, Value>)["storage:storage:bookmarks"]);
          assertValue(await map.get(u, "notes:urn:example:notes"), notes);
          await map.set(u, "notes:urn:example:notes", undefined);
          assert.equal(await map.get(u, "notes:urn:example:notes"), undefined);
          assert.ok(await map.get(u, "storage:storage:bookmarks"));
        }), (caps) => holds(caps, "private", "keyval"));

    for (const store of ["offline", "pep_urn:xmpp:avatar:data"]) {
      it(target, `keeps ${store} items with their ids, times and with`, () =>
        withEnv(target, async (env) => {
          const u = env.user();
          const archive = await env.sm.open(env.host, store, "archive");
          const pep = store.startsWith("pep_");
          const items = [0, 1, 2].map((i) => ({
            id: pep ? `item-${i}` : `off-${i}`,
            value: pep ? new Element("data", { xmlns: "urn:xmpp:avatar:data" }).t(`AAAA${i}`) : offlineMessage(`message ${i}`),
            when: T0 + i,
            with: pep ? "juliet@example.com" : "",
          }));
          for (const item of items) await archive.append(u, item.id, item.value, item.when, pep ? item.with : undefined);
          const sm = env.caps.persistent ? await env.reopen() : env.sm;
          const back = await collect(await (await sm.open(env.host, store, "archive")).find(u));
          assert.deepEqual(back.map(({ id, when, with: w }) => ({ id, when, with: w })), items.map(({ id, when, with: w }) => ({ id, when, with: w })));
          back.forEach((item, i) => assert.ok(elementsEqual(item.value, items[i].value), `${item.value.toString()} != ${items[i].value.toString()}`));
        }), (caps) => holds(caps, store, "archive"));
    }

    it(target, "purges one user's data from every store it holds and nobody else's", () =>
      withEnv(target, async ({ sm, host, user, backendCaps: caps }) => {
        const [gone, kept] = [user("gone"), user("kept")];
        const records = Object.entries(prosodyRecords()).filter(([store]) => holds(caps, store, "keyval"));
        for (const [store, value] of records) for (const u of [gone, kept]) await (await sm.open(host, store)).set(u, value);
        const offline = holds(caps, "offline", "archive") ? await sm.open(host, "offline", "archive") : undefined;
        for (const u of [gone, kept]) await offline?.append(u, null, offlineMessage("bye"), T0);
        await sm.purge(gone, host);
        for (const [store, value] of records) {
          assert.equal(await (await sm.open(host, store)).get(gone), undefined, store);
          assertValue(await (await sm.open(host, store)).get(kept), value, store);
        }
        if (offline) {
          assert.deepEqual(await collect(await offline.find(gone)), []);
          assert.equal((await collect(await offline.find(kept))).length, 1);
        }
      }));
  });
}
