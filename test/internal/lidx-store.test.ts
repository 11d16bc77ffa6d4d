import assert from "node:assert/strict";
import { appendFile, readFile, stat, writeFile } from "node:fs/promises";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { join } from "node:path";
import { describe, it } from "node:test";
import { LIDX_MAGIC, readLidx } from "../../src/backends/internal/lidx.js";
import { bodies, chat, T0, withManager } from "./helpers.js";

const LIST = join("example%2ecom", "archive", "juliet.list");
const LIDX = join("example%2ecom", "archive", "juliet.lidx");

/** The item end offsets of a .list file, found independently of the backend. */
async function itemEnds(path: string): Promise<number[]> {
  const text = await readFile(path, "latin1");
  const ends: number[] = [];
  for (let at = text.indexOf("\nitem(", 0); at >= 0; at = text.indexOf("\nitem(", at + 1)) ends.push(at + 1);
  ends.push(text.length);
  return ends;
}

function lidxBytes(ends: number[]): Buffer {
  const out = Buffer.alloc(8 * (ends.length + 1));
  out.writeBigUInt64LE(LIDX_MAGIC, 0);
  ends.forEach((end, i) => out.writeBigUInt64LE(BigInt(end), 8 * (i + 1)));
  return out;
}

const exists = (path: string) => stat(path).then(() => true, () => false);

describe("internal: keeping Prosody 13's .lidx right", () => {
  it("extends a correct index on append, so Prosody 13 finds every item", () =>
    withManager(async (sm, dir) => {
      const archive = await sm.open("example.com", "archive", "archive");
      for (let i = 0; i < 3; i++) await archive.append("juliet", null, chat(`m${i}`), T0 + i);
      await writeFile(join(dir, LIDX), lidxBytes(await itemEnds(join(dir, LIST))));
      assert.deepEqual(await bodies(await archive.find("juliet")), ["m0", "m1", "m2"], "a Prosody 13 file reads the same");
      assert.ok(await exists(join(dir, LIDX)), "a correct index is kept");
      await archive.append("juliet", null, chat("m3"), T0 + 3);
      assert.deepEqual(readLidx(join(dir, LIDX)), await itemEnds(join(dir, LIST)));
    }));

  it("leaves a stale index alone when reading (reads never write) and removes it on the next write", () =>
    withManager(async (sm, dir) => {
      const archive = await sm.open("example.com", "archive", "archive");
      for (let i = 0; i < 3; i++) await archive.append("juliet", `k${i}`, chat(`m${i}`), T0 + i);
      const ends = await itemEnds(join(dir, LIST));
      // Prosody 13 wrote a correct index, then Prosody 0.12 appended an item without updating it.
      await writeFile(join(dir, LIDX), lidxBytes(ends));
      assert.deepEqual(await bodies(await archive.find("juliet")), ["m0", "m1", "m2"]);
      const text = await readFile(join(dir, LIST), "utf8");
      await appendFile(join(dir, LIST), text.slice(ends[1]).replace('"k2"', '"k3"').replace('"m2"', '"m3"'));
      assert.deepEqual(await bodies(await archive.find("juliet")), ["m0", "m1", "m2", "m3"]);
      assert.deepEqual(readLidx(join(dir, LIDX)), ends, "a read leaves the index as it found it");
      await archive.append("juliet", "k4", chat("m4"), T0 + 4);
      assert.equal(await exists(join(dir, LIDX)), false, "the write removes the index no longer matching the list");
      // A wrong index found when a list is first indexed is removed by the first write too,
      // even one whose last entry is where the append starts (only its middle is wrong).
      const now = await itemEnds(join(dir, LIST));
      await writeFile(join(dir, LIDX), lidxBytes([now[0] + 1, ...now.slice(1)]));
      await sm.close();
      const sm2 = new StorageManager({ data_path: dir });
      const archive2 = await sm2.open("example.com", "archive", "archive");
      assert.deepEqual(await bodies(await archive2.find("juliet")), ["m0", "m1", "m2", "m3", "m4"]);
      assert.ok(await exists(join(dir, LIDX)), "reading leaves it");
      await archive2.append("juliet", "k5", chat("m5"), T0 + 5);
      await sm2.close();
      assert.equal(await exists(join(dir, LIDX)), false);
    }));

  it("removes the index on any rewrite, as Prosody does", () =>
    withManager(async (sm, dir) => {
      const archive = await sm.open("example.com", "archive", "archive");
      for (let i = 0; i < 3; i++) await archive.append("juliet", `k${i}`, chat(`m${i}`), T0 + i);
      await writeFile(join(dir, LIDX), lidxBytes(await itemEnds(join(dir, LIST))));
      await archive.delete("juliet", { key: "k1" });
      assert.equal(await exists(join(dir, LIDX)), false, "rewritten lists lose their index, as in Prosody");
      await writeFile(join(dir, LIDX), lidxBytes(await itemEnds(join(dir, LIST))));
      await archive.append("juliet", "k0", chat("again"), T0 + 9);
      assert.equal(await exists(join(dir, LIDX)), false);
      await writeFile(join(dir, LIDX), lidxBytes(await itemEnds(join(dir, LIST))));
      await archive.delete("juliet");
      assert.equal(await exists(join(dir, LIDX)), false);
      assert.equal(await exists(join(dir, LIST)), false);
    }));

  it("does not create an index where there was none", () =>
    withManager(async (sm, dir) => {
      const archive = await sm.open("example.com", "archive", "archive");
      await archive.append("juliet", null, chat("m"), T0);
      await archive.append("juliet", null, chat("n"), T0);
      assert.equal(await exists(join(dir, LIDX)), false);
    }));
});
