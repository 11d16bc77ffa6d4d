import { describe, it, test } from "node:test";
import assert from "node:assert/strict";
import { Element } from "ltx";
import type { StorageManager } from "../../src/stores/storage-manager.js";
import { managerSource } from "../../src/jobs/data-source.js";
import { prune } from "../../src/jobs/prune.js";
import { KINDS, operatorEnv, xmppstore } from "./operator-env.js";

const DAY = 86400;
const now = () => Math.floor(Date.now() / 1000);
const msg = (body: string) => new Element("message", { type: "chat" }).c("body").t(body).root();

/** Items `ages` days old in `store` of `user` on `host`. */
async function put(sm: StorageManager, host: string, store: string, user: string | null, ages: number[]): Promise<void> {
  const archive = await sm.open(host, store, "archive");
  for (const [i, age] of ages.entries()) await archive.append(user, null, msg(`${store} ${i}`), now() - age * DAY, "x@example.com");
}

async function count(sm: StorageManager, host: string, store: string, user: string | null): Promise<number> {
  return (await (await sm.open(host, store, "archive")).find(user, { limit: 0, total: true })).total ?? -1;
}

const HOSTS = {
  "example.com": { archive_expires_after: "2d" },
  "conference.example.com": { component: "muc", modules_enabled: ["muc_mam"] },
  "other.example.com": { modules_disabled: ["mam"] },
};

for (const kind of KINDS) {
  describe(`xmppstore prune on ${kind}`, () => {
    it("expires as the configuration says, counts with --dry-run, prunes other stores with --older-than", async (t) => {
      const o = await operatorEnv(t, kind, HOSTS, { modules_enabled: ["roster", "mam"] });
      if (!o) return;
      await o.withManager(async (sm) => {
        await put(sm, "example.com", "archive", "alice", [10, 10, 3, 1, 0]);
        await put(sm, "example.com", "archive", "bob", [5]);
        await put(sm, "conference.example.com", "muc_log", "lounge", [8, 8, 2]);
        await put(sm, "other.example.com", "archive", "carol", [100]);
        await put(sm, "example.com", "offline", "bob", [40, 1]);
        await put(sm, "example.com", "pubsub_news", null, [100, 20]);
      });
      const dry = await xmppstore(["prune", "--from", o.from, "--dry-run", "--json"]);
      assert.equal(dry.status, 0, dry.stderr);
      const counted = JSON.parse(dry.stdout);
      assert.equal(counted.dryRun, true);
      assert.deepEqual(
        counted.hosts.map((h: { host: string; stores: Array<{ store: string; items: number; users: number; keepFrom: string }> }) => [h.host, h.stores.map((s) => [s.store, s.items, s.users, s.keepFrom])]),
        [
          ["conference.example.com", [["muc_log", 2, 1, 'mod_muc_mam default "1w"']]],
          ["example.com", [["archive", 4, 2, "archive_expires_after"]]],
        ],
      );
      assert.deepEqual(counted.skipped, [{ host: "other.example.com", store: "archive", why: "its expiring module is not enabled on this host" }]);
      assert.equal(dry.stderr, "", "counting only: no progress to show");
      await o.withManager(async (sm) => assert.equal(await count(sm, "example.com", "archive", "alice"), 5, "--dry-run deletes nothing"));

      const pruned = await xmppstore(["prune", "--from", o.from]);
      assert.equal(pruned.status, 0, pruned.stderr);
      assert.match(pruned.stderr, /^pruning 6 items \(3 user stores\)\nprogress: 6\/6 items \(100%\)/);
      assert.match(pruned.stdout, /^example\.com +archive +\S+ +archive_expires_after +2 +4$/m);
      assert.match(pruned.stdout, /^deleted 6 items$/m);
      await o.withManager(async (sm) => {
        assert.equal(await count(sm, "example.com", "archive", "alice"), 2);
        assert.equal(await count(sm, "example.com", "archive", "bob"), 0);
        assert.equal(await count(sm, "conference.example.com", "muc_log", "lounge"), 1);
        assert.equal(await count(sm, "other.example.com", "archive", "carol"), 1);
      });

      const others = await xmppstore(["prune", "--from", o.direct, "--older-than", "4w", "--store", "offline", "--store", "pubsub", "--json", "-q"]);
      assert.equal(others.status, 0, others.stderr);
      assert.equal(others.stderr, "");
      assert.deepEqual(JSON.parse(others.stdout).hosts[0].stores.map((s: { store: string; items: number }) => [s.store, s.items]), [["offline", 1], ["pubsub_news", 1]]);
      await o.withManager(async (sm) => {
        assert.equal(await count(sm, "example.com", "offline", "bob"), 1);
        assert.equal(await count(sm, "example.com", "pubsub_news", null), 1);
      });
    });
  });
}

test("prune: --rate paces deletions in batches of at most N", async (t) => {
  const o = await operatorEnv(t, "sqlite", { "example.com": {} });
  if (!o) return;
  await o.withManager(async (sm) => {
    await put(sm, "example.com", "archive", "alice", [9, 9, 9, 8, 8, 7, 1]);
    const waits: number[] = [];
    const moved: number[] = [];
    const report = await prune(managerSource(sm, []), {
      olderThan: 2 * DAY,
      rate: 2,
      sleep: async (ms) => void waits.push(ms),
      progress: { moved: (n) => void moved.push(n) },
    });
    assert.equal(report.items, 6);
    assert.deepEqual(moved, [3, 2, 1], "batches of 2 looked up; items sharing the last one's second go with it");
    assert.equal(waits.length, 3);
    assert.ok(waits[2]! > 2500 && waits[2]! <= 3000, `6 items at 2/s: about 3 s in all (${waits[2]})`);
    assert.equal(await count(sm, "example.com", "archive", "alice"), 1);
  });
  const noAge = await xmppstore(["prune", "--from", o.direct]);
  assert.equal(noAge.status, 2);
  assert.equal(noAge.stderr, `xmppstore prune: ${o.direct} is not a Prosody configuration: give --older-than\n`, "no progress line for work never begun");
  const offline = await xmppstore(["prune", "--from", o.from, "--store", "offline"]);
  assert.equal(offline.status, 2);
  assert.match(offline.stderr, /Prosody expires no items of offline by itself/);
});

test("prune: bad usage is exit 2", async () => {
  assert.equal((await xmppstore(["prune", "--from", "internal:/tmp", "--older-than", "3 fortnights"])).status, 2);
  assert.equal((await xmppstore(["prune", "--from", "internal:/tmp", "--older-than", "1w", "--rate", "0"])).status, 2);
});
