import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FileMutex } from "../../src/backends/internal/file-mutex.js";
import { IndexCache } from "../../src/backends/internal/index-cache.js";
import { ListIndex } from "../../src/backends/internal/list-index.js";
import { collect } from "../conformance/context.js";
import { bodies, chat, T0, withManager } from "./helpers.js";

function indexOf(n: number): ListIndex {
  return new ListIndex(undefined, Array.from({ length: n }, (_, i) => ({ start: i, end: i + 1, key: `k${i}`, when: i })));
}

describe("internal: index cache and file queue", () => {
  it("drops the least recently used indexes beyond its item budget", () => {
    const cache = new IndexCache(10);
    cache.set("a", indexOf(4));
    cache.set("b", indexOf(4));
    assert.ok(cache.get("a"));
    cache.set("c", indexOf(4));
    assert.equal(cache.get("b"), undefined, "b was least recently used");
    assert.ok(cache.get("a"));
    assert.ok(cache.get("c"));
    cache.set("huge", indexOf(50));
    assert.ok(cache.get("huge"), "an index larger than the budget is still kept while in use");
    assert.equal(cache.get("a"), undefined);
  });

  it("runs operations on one key in call order, others concurrently", async () => {
    const mutex = new FileMutex();
    const log: string[] = [];
    const slow = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      log.push(`end ${name}`);
      if (name === "a2") throw new Error("a2 failed");
      return name;
    };
    const results = await Promise.allSettled([mutex.run("a", slow("a1", 20)), mutex.run("a", slow("a2", 1)), mutex.run("b", slow("b1", 1)), mutex.run("a", slow("a3", 1))]);
    assert.deepEqual(results.map((r) => r.status), ["fulfilled", "rejected", "fulfilled", "fulfilled"]);
    assert.ok(log.indexOf("end b1") < log.indexOf("end a1"), "b does not wait for a");
    assert.deepEqual(log.filter((l) => / a\d$/.test(l)), ["start a1", "end a1", "start a2", "end a2", "start a3", "end a3"]);
    await mutex.idle();
  });

  it("answers correctly when indexes are evicted and rebuilt", () =>
    withManager(
      async (sm) => {
        const archive = await sm.open("example.com", "archive", "archive");
        for (const user of ["a", "b", "c"]) for (let i = 0; i < 4; i++) await archive.append(user, `${user}${i}`, chat(`${user} ${i}`), T0 + i);
        for (const user of ["a", "b", "c"]) {
          assert.deepEqual(await bodies(await archive.find(user, { after: `${user}1` })), [`${user} 2`, `${user} 3`]);
          assert.equal((await archive.find(user, { total: true, limit: 0 })).total, 4);
        }
        assert.equal(await archive.delete("nobody", { before: "x" }), 0, "deleting from a missing archive removes nothing");
        assert.deepEqual(await collect(await archive.find("nobody")), []);
      },
      { internal_index_cache_items: 5 },
    ));
});
