import assert from "node:assert/strict";
import { describe } from "node:test";
import { Element } from "ltx";
import type { ArchiveQuery, ArchiveStore } from "../../src/contracts/index.js";
import { elementsEqual } from "../../src/values/index.js";
import { casesWhere, collect, holdsAnything, rejectsWith, withEnv, conformanceIt as it, type ConformanceTarget, type TestEnv } from "./context.js";

const T0 = 1_700_000_000;
/** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the bounds of an XEP-0082 date a client may send. */
const YEAR_1 = -62_135_596_800;
const YEAR_9999 = 253_402_300_799;

export function message(body: string, extra: Record<string, string> = {}): Element {
  const el = new Element("message", { xmlns: "jabber:client", type: "chat", ...extra });
  el.c("body").t(body);
  return el;
}

/** Ten items: with alternating between romeo and juliet, one a minute, ids returned. */
async function fill(archive: ArchiveStore, user: string, count = 10): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const with_ = i % 2 === 0 ? "romeo@montague.example" : "juliet@capulet.example";
    ids.push(await archive.append(user, null, message(`message ${i}`), T0 + i * 60, with_));
  }
  return ids;
}

async function bodies(archive: ArchiveStore, user: string | null, query?: ArchiveQuery): Promise<string[]> {
  const result = await archive.find(user, query);
  return (await collect(result)).map((item) => item.value.getChildText("body") ?? "");
}

function numbers(list: number[]): string[] {
  return list.map((n) => `message ${n}`);
}

async function withArchive(target: ConformanceTarget, body: (a: ArchiveStore, u: string, env: TestEnv) => Promise<void>) {
  await withEnv(target, async (env) => body(await env.sm.open(env.host, "archive", "archive"), env.user(), env));
}

export function archiveTests(target: ConformanceTarget): void {
  describe("archive stores", () => {
    it(target, "appends items and finds them in order with id, time and with", () =>
      withArchive(target, async (archive, u) => {
        const stanza = message("Quotes: 'single' \"double\" & <tags> ünïcødé");
        stanza.c("x", { xmlns: "urn:example:extra", attr: "a&b<c>\"d'" }).c("inner").t("text");
        const id = await archive.append(u, null, stanza, T0, "romeo@montague.example");
        assert.ok(typeof id === "string" && id.length > 0);
        const items = await collect(await archive.find(u));
        assert.equal(items.length, 1);
        assert.equal(items[0].id, id);
        assert.equal(items[0].when, T0);
        assert.equal(items[0].with, "romeo@montague.example");
        assert.ok(elementsEqual(items[0].value, stanza), `stanza differs: ${items[0].value.toString()}`);
      }));

    it(target, "makes unique ids and keeps given ones", () =>
      withArchive(target, async (archive, u) => {
        const a = await archive.append(u, null, message("a"), T0);
        const b = await archive.append(u, null, message("b"), T0);
        assert.notEqual(a, b);
        assert.equal(await archive.append(u, "my-id", message("c"), T0), "my-id");
        assert.deepEqual((await collect(await archive.find(u))).map((i) => i.id), [a, b, "my-id"]);
      }));

    it(target, "replaces an item appended again with the same key, moving it to the end", () =>
      withArchive(target, async (archive, u) => {
        await archive.append(u, "item-1", message("first"), T0, "a@example.com");
        await archive.append(u, "item-2", message("second"), T0 + 1);
        await archive.append(u, "item-1", message("first, edited"), T0 + 2, "b@example.com");
        const items = await collect(await archive.find(u));
        assert.deepEqual(items.map((i) => i.id), ["item-2", "item-1"]);
        assert.equal(items[1].value.getChildText("body"), "first, edited");
        assert.equal(items[1].when, T0 + 2);
        assert.equal(items[1].with, "b@example.com");
      }));

    it(target, "gives items stored without `with` an empty one", () =>
      withArchive(target, async (archive, u, env) => {
        // Any stanza where the backend holds anything; a message where it holds only message archives.
        const stanza = holdsAnything(env.backendCaps) ? new Element("entry", { xmlns: "http://www.w3.org/2005/Atom" }).c("title").t("Post").root() : message("Post");
        await archive.append(u, null, stanza, T0);
        const [item] = await collect(await archive.find(u));
        assert.equal(item.with, "");
      }));

    it(target, "finds nothing in an empty archive, with a total of 0", async () =>
      withArchive(target, async (archive, u) => {
        const result = await archive.find(u, { total: true });
        assert.deepEqual(await collect(result), []);
        assert.equal(result.total, 0);
      }));

    it(target, "filters by with, start, end, key and ids", () =>
      withArchive(target, async (archive, u) => {
        const ids = await fill(archive, u);
        assert.deepEqual(await bodies(archive, u, { with: "juliet@capulet.example" }), numbers([1, 3, 5, 7, 9]));
        assert.deepEqual(await bodies(archive, u, { start: T0 + 3 * 60 }), numbers([3, 4, 5, 6, 7, 8, 9]));
        assert.deepEqual(await bodies(archive, u, { end: T0 + 2 * 60 }), numbers([0, 1, 2]));
        assert.deepEqual(await bodies(archive, u, { start: T0 + 60, end: T0 + 4 * 60, with: "romeo@montague.example" }), numbers([2, 4]));
        assert.deepEqual(await bodies(archive, u, { key: ids[6] }), numbers([6]));
        assert.deepEqual(await bodies(archive, u, { ids: [ids[8], ids[2], "unknown"] }), numbers([2, 8]));
        assert.deepEqual(await bodies(archive, u, { with: "nobody@example.com" }), []);
      }));

    it(target, "limits, reverses and counts", () =>
      withArchive(target, async (archive, u) => {
        await fill(archive, u);
        assert.deepEqual(await bodies(archive, u, { limit: 3 }), numbers([0, 1, 2]));
        assert.deepEqual(await bodies(archive, u, { limit: 3, reverse: true }), numbers([9, 8, 7]));
        assert.deepEqual(await bodies(archive, u, { limit: 0 }), []);
        const page = await archive.find(u, { limit: 2, with: "romeo@montague.example", total: true });
        assert.equal(page.total, 5);
        assert.deepEqual((await collect(page)).map((i) => i.value.getChildText("body")), numbers([0, 2]));
        const none = await archive.find(u, { limit: 0, total: true });
        assert.equal(none.total, 10);
      }));

    it(target, "pages before and after an id, in both directions", () =>
      withArchive(target, async (archive, u) => {
        const ids = await fill(archive, u);
        assert.deepEqual(await bodies(archive, u, { after: ids[6] }), numbers([7, 8, 9]));
        assert.deepEqual(await bodies(archive, u, { before: ids[3] }), numbers([0, 1, 2]));
        assert.deepEqual(await bodies(archive, u, { before: ids[5], limit: 2, reverse: true }), numbers([4, 3]));
        assert.deepEqual(await bodies(archive, u, { after: ids[5], limit: 2 }), numbers([6, 7]));
        assert.deepEqual(await bodies(archive, u, { after: ids[2], before: ids[6] }), numbers([3, 4, 5]));
        assert.deepEqual(await bodies(archive, u, { after: ids[7], reverse: true }), numbers([9, 8]));
        assert.deepEqual(await bodies(archive, u, { after: ids[1], with: "romeo@montague.example", limit: 2 }), numbers([2, 4]));
        const counted = await archive.find(u, { before: ids[5], limit: 1, total: true });
        assert.equal(counted.total, 10, "total ignores before/after and limit");
      }));

    it(target, "rejects paging from an unknown id", () =>
      withArchive(target, async (archive, u) => {
        await fill(archive, u, 3);
        await rejectsWith(archive.find(u, { before: "no-such-id" }), "item-not-found");
        await rejectsWith(archive.find(u, { after: "no-such-id", reverse: true }), "item-not-found");
      }));

    it(target, "gets and changes single items by id", () =>
      withArchive(target, async (archive, u) => {
        const ids = await fill(archive, u, 3);
        const got = await archive.get(u, ids[1]);
        assert.ok(got);
        assert.equal(got.value.getChildText("body"), "message 1");
        assert.equal(got.when, T0 + 60);
        assert.equal(got.with, "juliet@capulet.example");
        assert.equal(await archive.get(u, "unknown"), undefined);
        assert.equal(await archive.set(u, ids[1], message("changed"), T0 + 61, "nurse@capulet.example"), true);
        const items = await collect(await archive.find(u));
        assert.deepEqual(items.map((i) => i.id), ids, "set keeps the item's place");
        assert.equal(items[1].value.getChildText("body"), "changed");
        assert.equal(items[1].when, T0 + 61);
        assert.equal(items[1].with, "nurse@capulet.example");
        assert.equal(await archive.set(u, "unknown", message("x"), T0), false);
        assert.equal((await collect(await archive.find(u))).length, 3, "set on an unknown id stores nothing");
        assert.equal(await archive.set(u, ids[0], message("value only")), true);
        const first = await archive.get(u, ids[0]);
        assert.equal(first?.when, T0);
        assert.equal(first?.with, "romeo@montague.example");
      }));

    it(target, "deletes everything, by query, and truncates", () =>
      withArchive(target, async (archive, u) => {
        const ids = await fill(archive, u);
        assert.equal(await archive.delete(u, { with: "juliet@capulet.example", end: T0 + 4 * 60 }), 2);
        assert.deepEqual(await bodies(archive, u), numbers([0, 2, 4, 5, 6, 7, 8, 9]));
        assert.equal(await archive.delete(u, { ids: [ids[4], ids[5]] }), 2);
        assert.deepEqual(await bodies(archive, u), numbers([0, 2, 6, 7, 8, 9]));
        assert.equal(await archive.delete(u, { truncate: 3 }), 3);
        assert.deepEqual(await bodies(archive, u), numbers([7, 8, 9]));
        assert.equal(await archive.delete(u, { before: ids[8] }), 1);
        assert.deepEqual(await bodies(archive, u), numbers([8, 9]));
        const removed = await archive.delete(u);
        assert.ok(removed === 2 || removed === true);
        assert.deepEqual(await bodies(archive, u), []);
      }));

    it(target, "summarises by contact", () =>
      withArchive(target, async (archive, u) => {
        await fill(archive, u, 5);
        const summary = await archive.summary(u);
        assert.deepEqual(summary.counts, { "romeo@montague.example": 3, "juliet@capulet.example": 2 });
        assert.deepEqual(summary.earliest, { "romeo@montague.example": T0, "juliet@capulet.example": T0 + 60 });
        assert.deepEqual(summary.latest, { "romeo@montague.example": T0 + 240, "juliet@capulet.example": T0 + 180 });
        const recent = await archive.summary(u, { start: T0 + 120 });
        assert.deepEqual(recent.counts, { "romeo@montague.example": 2, "juliet@capulet.example": 1 });
      }));

    casesWhere(holdsAnything, () => it(target, "keeps users, hosts and host-wide archives apart and lists users", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const archive = await sm.open(host, "pubsub_princely_musings", "archive");
        const [a, b] = [user("a"), user("b")];
        await archive.append(a, null, message("a"), T0);
        await archive.append(b, null, message("b"), T0);
        await archive.append(null, null, message("host"), T0);
        const other = await sm.open(`other-${host}`, "pubsub_princely_musings", "archive");
        assert.deepEqual(await bodies(archive, a), ["a"]);
        assert.deepEqual(await bodies(archive, null), ["host"]);
        assert.deepEqual(await bodies(other, a), []);
        assert.deepEqual((await collect(archive.users())).sort(), [a, b].sort());
        await archive.delete(b);
        assert.deepEqual(await collect(archive.users()), [a]);
      })));

    it(target, "enforces the configured quota", () =>
      withEnv(
        target,
        async ({ sm, host, user }) => {
          const archive = await sm.open(host, "archive", "archive");
          const u = user();
          assert.equal(archive.caps.quota, 5);
          for (let i = 0; i < 5; i++) await archive.append(u, `id${i}`, message(`m${i}`), T0 + i);
          await rejectsWith(archive.append(u, null, message("one too many"), T0 + 9), "quota-limit");
          assert.equal((await collect(await archive.find(u))).length, 5);
          await archive.append(u, "id0", message("replacing stays within quota"), T0 + 10);
        },
        { storage_archive_item_limit: 5 },
      ));

    it(target, "reports its default quota", () =>
      withArchive(target, async (archive) => {
        assert.equal(archive.caps.quota, target.defaultQuota);
      }));

    it(target, "rejects values that are not stanzas and malformed queries", () =>
      withArchive(target, async (archive, u) => {
        await rejectsWith(archive.append(u, null, { body: "x" } as never, T0), "unsupported-datatype");
        await rejectsWith(archive.find(u, { limit: -1 }), "invalid-input");
        await rejectsWith(archive.find(u, { wiht: "typo" } as never), "invalid-input");
        await rejectsWith(archive.delete(u, { start: "yesterday" } as never), "invalid-input");
        await rejectsWith(archive.append(u, null, message("x"), Number.NaN), "invalid-input");
      }));

    it(target, "answers fractional time bounds and bounds from year 1 to year 9999", () =>
      withArchive(target, async (archive, u) => {
        await fill(archive, u);
        const all = numbers([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        assert.deepEqual(await bodies(archive, u, { start: T0 + 0.5, end: T0 + 120.5 }), numbers([1, 2]));
        assert.deepEqual(await bodies(archive, u, { start: T0 + 60.25, end: T0 + 60.75 }), []);
        assert.deepEqual(await bodies(archive, u, { start: YEAR_1, end: YEAR_9999 }), all);
        assert.deepEqual(await bodies(archive, u, { start: YEAR_9999 }), []);
        assert.deepEqual(await bodies(archive, u, { end: YEAR_1 }), []);
        assert.deepEqual(await bodies(archive, u, { start: -1e300, end: 1e300 }), all);
        const counted = await archive.find(u, { start: YEAR_1, end: T0 + 60.5, total: true, limit: 0 });
        assert.equal(counted.total, 2);
        assert.deepEqual((await archive.summary(u, { start: T0 + 539.5, end: YEAR_9999 })).counts, { "juliet@capulet.example": 1 });
        assert.equal(await archive.delete(u, { start: YEAR_1, end: T0 + 60.5 }), 2);
        assert.equal(await archive.delete(u, { start: YEAR_9999 }), 0);
        assert.deepEqual(await bodies(archive, u), all.slice(2));
      }));

    it(target, "refuses U+0000 in ids, key, before, after and with, and keeps what is stored", () =>
      withArchive(target, async (archive, u) => {
        const ids = await fill(archive, u, 3);
        for (const field of ["with", "key", "before", "after"]) {
          await rejectsWith(archive.find(u, { [field]: "a\0b" }), "invalid-input", /NUL/);
          await rejectsWith(archive.delete(u, { [field]: "a\0b" }), "invalid-input", /NUL/);
        }
        await rejectsWith(archive.find(u, { ids: [ids[0], "a\0b"] }), "invalid-input", /NUL/);
        await rejectsWith(archive.delete(u, { ids: ["a\0b"] }), "invalid-input", /NUL/);
        await rejectsWith(archive.summary(u, { with: "\0" }), "invalid-input", /NUL/);
        await rejectsWith(archive.get(u, "a\0b"), "invalid-input", /NUL/);
        await rejectsWith(archive.append(u, "a\0b", message("x"), T0), "invalid-input", /NUL/);
        await rejectsWith(archive.append(u, null, message("x"), T0, "a\0b"), "invalid-input", /NUL/);
        assert.deepEqual(await bodies(archive, u), numbers([0, 1, 2]));
      }));

    for (const count of [40_000, 70_000]) {
      it(target, `finds and deletes by ${count} ids`, () =>
        withArchive(target, async (archive, u) => {
          const stored = await fill(archive, u);
          const ids = Array.from({ length: count }, (_, i) => `missing-${i}`);
          ids.splice(count / 2, 0, stored[8], stored[2], stored[5]);
          const found = await archive.find(u, { ids, total: true });
          assert.equal(found.total, 3);
          assert.deepEqual((await collect(found)).map((i) => i.value.getChildText("body")), numbers([2, 5, 8]));
          assert.deepEqual(await bodies(archive, u, { ids, reverse: true, limit: 2 }), numbers([8, 5]));
          assert.equal(await archive.delete(u, { ids }), 3);
          assert.deepEqual(await bodies(archive, u), numbers([0, 1, 3, 4, 6, 7, 9]));
        }));
    }

    // Arbitrary stanzas in the message archive and any value in private: backends that hold anything.
    casesWhere(holdsAnything, () => it(target, "refuses stanzas XML cannot write (names, characters) with invalid-input, in archives and keyval data", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const archive = await sm.open(host, "archive", "archive");
        const keyval = await sm.open(host, "private");
        const u = user();
        const good = new Element("pubsub:item", { "xmlns:pubsub": "urn:example", "xml:lang": "en", id: "é·1" }).t("tab\t line\n cr\r 😀").root();
        await archive.append(u, null, good, T0);
        await keyval.set(u, { stanza: good, text: "kept" });
        const bad = [
          new Element("?xml"),
          new Element("!x"),
          new Element("message").c("!x").root(),
          new Element("1st"),
          new Element("a:b:c"),
          new Element(":x"),
          new Element("x:"),
          new Element("has space"),
          new Element("message", { "a b": "1" }),
          new Element("message", { "-x": "1" }),
          new Element("message", { "x:": "1" }),
          new Element("message").c("body").t("bell \u0007").root(),
          new Element("message", { id: "nul \0" }),
          new Element("message").t("\uFFFE"),
        ];
        for (const stanza of bad) {
          await rejectsWith(archive.append(u, null, stanza, T0 + 1), "invalid-input");
          await rejectsWith(keyval.set(u, { stanza, text: "lost" }), "invalid-input");
          await rejectsWith(keyval.set(u, { nested: [stanza] }), "invalid-input");
        }
        const items = await collect(await archive.find(u));
        assert.equal(items.length, 1);
        assert.ok(elementsEqual(items[0].value, good), items[0].value.toString());
        const data = (await keyval.get(u)) as Record<string, unknown>;
        assert.equal(data.text, "kept");
      })));

    it(target, "keeps archives across managers exactly when caps.persistent says so", () =>
      withEnv(target, async (env) => {
        const u = env.user();
        const ids = await fill(await env.sm.open(env.host, "archive", "archive"), u, 4);
        const sm = await env.reopen();
        const archive = await sm.open(env.host, "archive", "archive");
        if (!env.caps.persistent) {
          assert.deepEqual(await collect(await archive.find(u)), []);
          return;
        }
        assert.deepEqual((await collect(await archive.find(u))).map((i) => i.id), ids);
        assert.deepEqual(await bodies(archive, u, { after: ids[1] }), numbers([2, 3]));
      }));
  });
}
