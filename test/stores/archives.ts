import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Element } from "ltx";
import { assertValue, collect, rejectsWith, withEnv, type ConformanceTarget } from "../conformance/index.js";
import { LuaTable } from "../../src/values/index.js";
import type { MessageArchive } from "../../src/stores/message-archive.js";
import { stores } from "../../src/stores/index.js";

function chat(from: string, to: string, body: string): Element {
  return new Element("message", { from, to, type: "chat" }).c("body").t(body).root();
}

const bodies = (page: { items: Array<{ value: Element }> }) => page.items.map((item) => item.value.getChildText("body"));

/** Fills an archive with 7 messages, one a minute, alternating correspondents; returns their ids. */
async function fill(archive: MessageArchive, owner: string, host: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < 7; i++) {
    const other = i % 2 ? "juliet@capulet.example/balcony" : "nurse@capulet.example";
    const stanza = i % 3 ? chat(other, `${owner}@${host}`, `m${i}`) : chat(`${owner}@${host}/pc`, other, `m${i}`);
    ids.push(await archive.append(owner, stanza, { when: 1700000000 + 60 * i }));
  }
  return ids;
}

/** Message archives, MUC logs and offline messages. */
export function archiveStoreTests(target: ConformanceTarget): void {
  describe("message archive (XEP-0313 on the archive store)", () => {
    it("pages forwards and backwards with RSM, filters by with and time, counts", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const archive = stores(sm).messageArchive(host);
        const owner = user();
        const ids = await fill(archive, owner, host);

        const first = await archive.query(owner, { rsm: { max: 3 } });
        assert.deepEqual(bodies(first), ["m0", "m1", "m2"]);
        assert.deepEqual([first.first, first.last, first.complete, first.count], [ids[0], ids[2], false, 7]);
        const next = await archive.query(owner, { rsm: { max: 3, after: first.last } });
        assert.deepEqual(bodies(next), ["m3", "m4", "m5"]);
        const lastPage = await archive.query(owner, { rsm: { max: 3, after: next.last } });
        assert.deepEqual([bodies(lastPage), lastPage.complete], [["m6"], true]);

        const tail = await archive.query(owner, { rsm: { max: 2, before: true } });
        assert.deepEqual(bodies(tail), ["m5", "m6"], "a reverse page is returned in archive order");
        assert.deepEqual([tail.first, tail.last, tail.complete], [ids[5], ids[6], false]);
        const flipped = await archive.query(owner, { rsm: { max: 2, before: true }, flipPage: true });
        assert.deepEqual(bodies(flipped), ["m6", "m5"]);
        const earlier = await archive.query(owner, { rsm: { max: 2, before: tail.first } });
        assert.deepEqual(bodies(earlier), ["m3", "m4"]);

        const juliet = await archive.query(owner, { with: "Juliet@Capulet.example/other" });
        assert.deepEqual(bodies(juliet), ["m1", "m3", "m5"], "with is compared as a bare JID");
        const window = await archive.query(owner, { start: 1700000060, end: 1700000180 });
        assert.deepEqual(bodies(window), ["m1", "m2", "m3"]);
        const some = await archive.query(owner, { ids: [ids[4]!, ids[1]!] });
        assert.deepEqual(bodies(some), ["m1", "m4"]);
        const none = await archive.query(owner, { rsm: { max: 0 } });
        assert.deepEqual([none.items.length, none.count, none.complete], [0, 7, true]);
        const capped = await archive.query(owner, { rsm: { max: 500 } });
        assert.equal(capped.items.length, 7, "max above max_archive_query_results (50) is capped, not refused");

        const stored = await archive.get(owner, ids[0]!);
        assert.equal(stored?.with, "nurse@capulet.example", "with of an outgoing message is the recipient");
        assert.equal((await archive.get(owner, ids[1]!))?.with, "juliet@capulet.example", "with of an incoming message is the sender");
        await rejectsWith(archive.query(owner, { rsm: { after: "no-such-id" } }), "item-not-found");
        await rejectsWith(archive.query(owner, { with: "not@a@jid" }), "invalid-input");
        await rejectsWith(archive.append(owner, "<message/>" as unknown as Element), "invalid-input");
      }));

    it("expires old messages and notes owners for Prosody's cleanup job", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const archive = stores(sm).messageArchive(host);
        const owner = user();
        const now = Math.floor(Date.now() / 1000);
        await archive.append(owner, chat("a@b.example", `${owner}@${host}`, "old"), { when: now - 10 * 86400 });
        await archive.append(owner, chat("a@b.example", `${owner}@${host}`, "new"), { when: now - 3600 });
        assert.equal(await archive.expire(owner), 1, "default archive_expires_after is one week");
        assert.deepEqual(bodies(await archive.query(owner)), ["new"]);
        assert.equal(await archive.expireAll(60), 1);
        assert.deepEqual(bodies(await archive.query(owner)), []);
        const raw = await sm.open(host, "archive", "archive");
        if (!raw.caps.wildcardDelete) {
          const today = new Date().toISOString().slice(0, 10);
          assert.equal(await (await sm.open(host, "archive_cleanup", "map")).get(today, owner), true);
        }
      }));

    it("makes room over quota by truncating, as mod_mam does", () =>
      withEnv(
        target,
        async ({ sm, host, user }) => {
          const archive = stores(sm).messageArchive(host);
          const owner = user();
          const raw = await sm.open(host, "archive", "archive");
          for (let i = 0; i < 100; i++) await archive.append(owner, chat("a@b.example", `${owner}@${host}`, `m${i}`));
          if (!raw.caps.truncate) {
            await rejectsWith(archive.append(owner, chat("a@b.example", `${owner}@${host}`, "over")), "quota-limit");
            return;
          }
          await archive.append(owner, chat("a@b.example", `${owner}@${host}`, "over"));
          const kept = bodies(await archive.query(owner, { rsm: { max: 50, before: true } }));
          assert.equal(kept[kept.length - 1], "over");
          const all = await collect(await raw.find(owner));
          assert.equal(all.length, 100, "99 kept (floor of 99% of 100) plus the new one");
          assert.equal(all[0]!.value.getChildText("body"), "m1");
        },
        { storage_archive_item_limit: 100, archive_expires_after: "never" },
      ));

    it("keeps archiving preferences as mod_mam does", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const name = user();
        const prefs = stores(sm).messageArchive(host).prefs;
        assert.equal(await prefs.get(name), undefined);
        await prefs.set(name, { default: "roster", always: ["Romeo@Montague.example"], never: ["tybalt@capulet.example"] });
        assertValue(
          await (await sm.open(host, "archive_prefs")).get(name),
          new LuaTable([[false, "roster"], ["romeo@montague.example", true], ["tybalt@capulet.example", false]]),
        );
        assert.deepEqual(await prefs.get(name), { default: "roster", always: ["romeo@montague.example"], never: ["tybalt@capulet.example"] });
        await prefs.set(name, { default: "never", always: [], never: [] });
        assert.deepEqual(await prefs.get(name), { default: "never", always: [], never: [] });
        await rejectsWith(prefs.set(name, { default: "sometimes" as "never", always: [], never: [] }), "invalid-input");
        await rejectsWith(prefs.set(name, { always: ["not@a@jid"], never: [] }), "invalid-input");
      }));

    it("rejects a bad archive_expires_after", () =>
      withEnv(target, async ({ sm, host }) => assert.throws(() => stores(sm).messageArchive(host), /archive_expires_after/), {
        archive_expires_after: "soon",
      }));
  });

  describe("MUC log", () => {
    it("files stanzas by kind and answers queries with groupchat messages only", () =>
      withEnv(target, async ({ sm, user }) => {
        const muc = `conference.${user("h")}.example`;
        const log = stores(sm).mucLog(muc);
        const room = user("room");
        const groupchat = (body: string) =>
          new Element("message", { from: `${room}@${muc}/romeo`, type: "groupchat" }).c("body").t(body).root();
        await log.append(`${room}@${muc}`, groupchat("hello"));
        await log.append(room, new Element("presence", { from: `${room}@${muc}/romeo` }));
        await log.append(room, groupchat("bye"));
        const page = await log.query(room, {});
        assert.deepEqual(bodies(page), ["hello", "bye"]);
        const raw = await collect(await (await sm.open(muc, "muc_log", "archive")).find(room));
        assert.deepEqual(raw.map((item) => item.with), ["message<groupchat", "presence", "message<groupchat"]);
      }));
  });

  describe("offline messages", () => {
    it("holds messages as mod_offline does and hands them over once", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const offline = stores(sm).offline(host);
        const name = user();
        await offline.store(name, chat("a@b.example", `${name}@${host}`, "one"));
        await offline.store(name, chat("a@b.example", `${name}@${host}`, "two"), 1700000000);
        assert.equal(await offline.count(name), 2);
        const raw = await collect(await (await sm.open(host, "offline", "archive")).find(name));
        assert.deepEqual(raw.map((item) => item.with), ["", ""]);
        assert.equal(raw[1]!.when, 1700000000);
        assert.ok(Number.isInteger(raw[0]!.when));
        const taken = await offline.take(name);
        assert.deepEqual(taken.map((item) => item.value.getChildText("body")), ["one", "two"]);
        assert.deepEqual(await offline.list(name), []);
        await rejectsWith(offline.store(name, new Element("presence")), "invalid-input");
      }));
  });
}
