import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { extendLidx, LIDX_MAGIC, readLidx, verifyLidx } from "../../src/backends/internal/lidx.js";

function lidx(...ends: number[]): Buffer {
  const out = Buffer.alloc(8 * (ends.length + 1));
  out.writeBigUInt64LE(LIDX_MAGIC, 0);
  ends.forEach((end, i) => out.writeBigUInt64LE(BigInt(end), 8 * (i + 1)));
  return out;
}

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "xs-lidx-"));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const exists = (path: string) => readFile(path).then(() => true, () => false);

describe("internal: Prosody 13 .lidx files", () => {
  it("reads the format: magic 7767640, then the end offset of each item, size_t little-endian", () =>
    withDir(async (dir) => {
      const path = join(dir, "u.lidx");
      await writeFile(path, lidx(120, 250, 400));
      assert.deepEqual(readLidx(path), [120, 250, 400]);
      await writeFile(path, Buffer.from("not an index at all"));
      assert.equal(readLidx(path), undefined);
      assert.equal(readLidx(join(dir, "missing.lidx")), undefined);
    }));

  it("treats an index with trailing junk as wrong and removes it (Prosody 13 would append after the junk)", () =>
    withDir(async (dir) => {
      const path = join(dir, "u.lidx");
      for (const junk of [Buffer.from([0x0a]), Buffer.from("xyz"), Buffer.alloc(7)]) {
        await writeFile(path, Buffer.concat([lidx(120, 250), junk]));
        assert.equal(readLidx(path), undefined, `${junk.length} junk bytes`);
        assert.equal(await verifyLidx(path, [120, 250], false), false);
        assert.equal(await exists(path), false, "removed, so Prosody 13 rebuilds it");
      }
    }));

  it("keeps a correct index and removes a wrong one", () =>
    withDir(async (dir) => {
      const path = join(dir, "u.lidx");
      await writeFile(path, lidx(120, 250));
      assert.equal(await verifyLidx(path, [120, 250], false), true);
      assert.ok(await exists(path));
      for (const stale of [lidx(120), lidx(120, 250, 300), lidx(120, 251), Buffer.from("junk")]) {
        await writeFile(path, stale);
        assert.equal(await verifyLidx(path, [120, 250], false), false);
        assert.equal(await exists(path), false, "a stale index must not survive for Prosody 13 to trust");
      }
    }));

  it("extends an index that ends where the append started, and removes any other", () =>
    withDir(async (dir) => {
      const path = join(dir, "u.lidx");
      await writeFile(path, lidx(120, 250));
      await extendLidx(path, 250, 300, false);
      assert.deepEqual(readLidx(path), [120, 250, 300]);
      await extendLidx(path, 310, 400, false);
      assert.equal(await exists(path), false, "an index that missed an append is removed");
      await extendLidx(path, 0, 50, false);
      assert.equal(await exists(path), false, "no index is created where there was none");
      await writeFile(path, Buffer.concat([lidx(120), Buffer.from([1, 2, 3])]));
      await extendLidx(path, 120, 200, false);
      assert.equal(await exists(path), false, "a torn index is removed");
    }));
});
