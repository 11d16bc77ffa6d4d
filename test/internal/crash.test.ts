import assert from "node:assert/strict";
import { readFile, stat, truncate, writeFile, appendFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { collect } from "../conformance/context.js";
import { bodies, chat, T0, withDataDir } from "./helpers.js";

const FILE = join("example%2ecom", "archive", "juliet.list");

describe("internal: crash safety of archives", () => {
  it("survives an append cut at any byte: earlier items intact, the torn one ignored, then repaired", () =>
    withDataDir(async (dir) => {
      let sm = new StorageManager({ data_path: dir });
      let archive = await sm.open("example.com", "archive", "archive");
      await archive.append("juliet", null, chat("one"), T0, "romeo@montague.example");
      await archive.append("juliet", null, chat("two"), T0 + 1, "romeo@montague.example");
      const path = join(dir, FILE);
      const intact = await readFile(path);
      await archive.append("juliet", null, chat("three: ünïcødé \"quoted\"\nline"), T0 + 2, "romeo@montague.example");
      const full = await readFile(path);
      await sm.close();
      // Every proper prefix of the third item's bytes is a possible state after a crash.
      sm = new StorageManager({ data_path: dir });
      archive = await sm.open("example.com", "archive", "archive");
      for (let cut = intact.length; cut < full.length; cut++) {
        // Written in place, as a crash leaves it; the index must notice the change.
        await writeFile(path, full.subarray(0, cut));
        // Cut after `)` or `)`+`;`: the statement is complete, and Lua reads it too.
        const expected = cut >= full.length - 2 ? ["one", "two", "three: ünïcødé \"quoted\"\nline"] : ["one", "two"];
        const found = await archive.find("juliet", { total: true });
        assert.deepEqual(await bodies(found), expected, `cut at ${cut}`);
        assert.equal(found.total, expected.length, `cut at ${cut}`);
        if (cut % 37 === 0 || cut >= full.length - 2) {
          await archive.append("juliet", null, chat("after"), T0 + 3);
          assert.deepEqual(await bodies(await archive.find("juliet")), [...expected, "after"], `append after cut at ${cut}`);
          const lines = (await readFile(path, "latin1")).split("\n");
          assert.equal(lines.filter((line) => line.startsWith("item(")).length, expected.length + 1, "every item on a line of its own");
          const repaired = await readFile(path);
          assert.deepEqual(repaired.subarray(0, intact.length), intact, "earlier bytes untouched");
        }
      }
      await sm.close();
    }));

  it("notices a torn tail written while it had the file indexed", () =>
    withDataDir(async (dir) => {
      const sm = new StorageManager({ data_path: dir });
      try {
        const archive = await sm.open("example.com", "archive", "archive");
        await archive.append("juliet", null, chat("one"), T0);
        await appendFile(join(dir, FILE), 'item({\n\t{\n\t\t"half');
        assert.deepEqual(await bodies(await archive.find("juliet")), ["one"]);
        await archive.append("juliet", null, chat("two"), T0 + 1);
        assert.deepEqual(await bodies(await archive.find("juliet")), ["one", "two"]);
        assert.doesNotMatch(await readFile(join(dir, FILE), "utf8"), /half/);
      } finally {
        await sm.close();
      }
    }));

  it("sees items another process appended or rewrote (size, mtime, inode checks)", () =>
    withDataDir(async (dir) => {
      const sm = new StorageManager({ data_path: dir });
      try {
        const archive = await sm.open("example.com", "archive", "archive");
        await archive.append("juliet", "a", chat("one"), T0);
        await archive.append("juliet", "b", chat("two"), T0 + 1);
        const path = join(dir, FILE);
        const text = await readFile(path, "utf8");
        const [first, second] = text.split(/(?=^item\()/m);
        // Another process appends (as Prosody does: in place, same inode).
        await appendFile(path, second.replace('"b"', '"c"').replace('"two"', '"three"'));
        assert.deepEqual((await collect(await archive.find("juliet"))).map((i) => i.id), ["a", "b", "c"]);
        // Another process rewrites the file (scratch file + rename: a new inode), same size.
        await writeFile(`${path}~`, second + first);
        const { rename } = await import("node:fs/promises");
        await rename(`${path}~`, path);
        assert.deepEqual((await collect(await archive.find("juliet"))).map((i) => i.id), ["b", "a"]);
        assert.equal((await archive.find("juliet", { total: true, limit: 0 })).total, 2);
        // Shrunk in place.
        await truncate(path, first.length);
        assert.deepEqual((await collect(await archive.find("juliet"))).map((i) => i.id), ["b"]);
        assert.ok((await stat(path)).size === first.length);
      } finally {
        await sm.close();
      }
    }));

  it("leaves no scratch file behind and never a half-written .dat", () =>
    withDataDir(async (dir) => {
      const sm = new StorageManager({ data_path: dir });
      try {
        const kv = await sm.open("example.com", "roster");
        const big = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`contact${i}@example.com`, { subscription: "both" }]));
        await Promise.all(Array.from({ length: 10 }, (_, i) => kv.set("juliet", { ...big, version: i })));
        const value = (await kv.get("juliet")) as Record<string, unknown>;
        assert.equal(value.version, 9, "writes to one file apply in call order");
        await assert.rejects(stat(join(dir, "example%2ecom", "roster", "juliet.dat~")));
      } finally {
        await sm.close();
      }
    }));
});
