import assert from "node:assert/strict";
import { readFile, stat, writeFile } from "node:fs/promises";
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
      assert.deepEqual(await readLidx(join(dir, LIDX)), await itemEnds(join(dir, LIST)));
    }));

  it("removes a stale index when reading, and the index on any rewrite", () =>
    withManager(async (sm, dir) => {
      const archive = await sm.open("example.com", "archive", "archive");
      for (let i = 0; i < 3; i++) await archive.append("juliet", `k${i}`, chat(`m${i}`), T0 + i);
      const ends = await itemEnds(join(dir, LIST));
      // As if Prosody 0.12 had appended after Prosody 13 wrote the index.
      await writeFile(join(dir, LIDX), lidxBytes(ends.slice(0, 2)));
      assert.deepEqual(await bodies(await archive.find("juliet")), ["m0", "m1", "m2"]);
      assert.equal(await exists(join(dir, LIDX)), false);

      await writeFile(join(dir, LIDX), lidxBytes(ends));
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
