import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { chmod, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it, type TestContext } from "node:test";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { IN_CI, needService } from "../helpers/services.js";
import { chat, T0 } from "./helpers.js";

const HOST = "example%2ecom";
const IS_ROOT = process.getuid?.() === 0;
/** The unprivileged user the chmod test reads as when the tests run as root. */
const NOBODY = 65534;

/** `.lidx` bytes: magic, then the given end offsets (8-byte little-endian each). */
function lidx(ends: number[]): Buffer {
  const bytes = Buffer.alloc(8 * (ends.length + 1));
  bytes.writeBigUInt64LE(7767640n, 0);
  ends.forEach((end, i) => bytes.writeBigUInt64LE(BigInt(end), 8 * (i + 1)));
  return bytes;
}

/**
 * Fills `dir` with keyval, map, host-wide and archive data, a correct Prosody 13 `.lidx` for
 * juliet's archive and a stale one for romeo's (as after Prosody 0.12 appended).
 */
async function fill(dir: string): Promise<void> {
  const sm = new StorageManager({ data_path: dir });
  try {
    await (await sm.open("example.com", "roster", "keyval")).set("juliet", { romeo: { name: "Romeo", subscription: "both" } });
    await (await sm.open("example.com", "roster", "keyval")).set(null, { version: 3 });
    await (await sm.open("example.com", "private", "map")).set("juliet", "storage:bookmarks", { n: 1 });
    const archive = await sm.open("example.com", "archive", "archive");
    for (let i = 0; i < 3; i++) await archive.append("juliet", `j${i}`, chat(`to romeo ${i}`), T0 + i, "romeo@example.com");
    for (let i = 0; i < 2; i++) await archive.append("romeo", `r${i}`, chat(`to juliet ${i}`), T0 + i, "juliet@example.com");
  } finally {
    await sm.close();
  }
  const archiveDir = join(dir, HOST, "archive");
  const julietSize = (await stat(join(archiveDir, "juliet.list"))).size;
  const romeoSize = (await stat(join(archiveDir, "romeo.list"))).size;
  // Item ends are only checked for consistency by Prosody; these describe the files well enough
  // for the test: juliet's ends at the file's size, romeo's one item short (stale).
  await writeFile(join(archiveDir, "juliet.lidx"), lidx([julietSize]));
  await writeFile(join(archiveDir, "romeo.lidx"), lidx([romeoSize - 1]));
}

/** Every file and directory under `dir` with its size and modification time. */
async function snapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name);
    const stats = await stat(path);
    out.push(`${path} ${stats.size} ${stats.mtimeMs}`);
  }
  return out.sort();
}

/** The command line in its own process (optionally as another user). */
function cli(args: string[], options: SpawnSyncOptions = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { encoding: "utf8", timeout: 120_000, ...options });
  return { status: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** Reads everything in `dir` the ways users do (dump, get of each store) and returns the output. */
function readAll(dir: string, options: SpawnSyncOptions = {}): string {
  const outputs: string[] = [];
  for (const args of [
    ["dump", "--from", `internal:${dir}`],
    ["get", "--from", `internal:${dir}`, "example.com", "archive", "juliet"],
    ["get", "--from", `internal:${dir}`, "example.com", "archive", "romeo"],
    ["get", "--from", `internal:${dir}`, "example.com", "roster", ""],
    ["ls", "--from", `internal:${dir}`, "example.com", "archive"],
  ]) {
    const result = cli(args, options);
    assert.equal(result.status, 0, `${args.join(" ")}: ${result.stderr}`);
    outputs.push(result.stdout);
  }
  return outputs.join("\n");
}

function mountWorks(): boolean {
  if (!IS_ROOT) return false;
  const probe = spawnSync("sh", ["-c", 'd=$(mktemp -d) && mount -t tmpfs -o size=1m tmpfs "$d" && umount "$d"; s=$?; rmdir "$d"; exit $s']);
  return probe.status === 0;
}

function sh(command: string): void {
  const result = spawnSync("sh", ["-c", command], { encoding: "utf8" });
  assert.equal(result.status, 0, `${command}: ${result.stderr}`);
}

describe("internal: read-only data", () => {
  it("reads everything from a read-only mount, as from the writable one", async (t: TestContext) => {
    if (!needService(t, "a read-only mount", mountWorks(), "needs root (mount -t tmpfs)")) return;
    const dir = await mkdtemp(join(tmpdir(), "xs-ro-"));
    sh(`mount -t tmpfs -o size=16m tmpfs '${dir}'`);
    try {
      await fill(dir);
      const writable = readAll(dir);
      sh(`mount -o remount,ro '${dir}'`);
      const before = await snapshot(dir);
      assert.equal(readAll(dir), writable, "the same answers from the read-only mount");
      assert.deepEqual(await snapshot(dir), before);
      // Writing fails cleanly, naming the problem.
      const sm = new StorageManager({ data_path: dir });
      try {
        await assert.rejects((await sm.open("example.com", "roster", "keyval")).set("juliet", {}), (error: Error & { condition?: string }) => {
          assert.equal(error.condition, "backend-failure");
          assert.match(error.message, /read-only file system|EROFS/i);
          return true;
        });
      } finally {
        await sm.close();
      }
      console.log(`read-only mount: ${before.length} files and directories read, none changed`);
    } finally {
      spawnSync("umount", [dir]);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("reads everything from files and directories without write permission", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xs-ro-"));
    try {
      await fill(dir);
      const filled = await snapshot(dir);
      const writable = readAll(dir);
      assert.deepEqual(await snapshot(dir), filled, "reading writable data writes nothing either (the stale .lidx stays)");
      // Read and search for everyone, write for no one; as root, read as an unprivileged user
      // (root ignores permissions).
      sh(`chmod -R a-w,a+rX '${dir}'`);
      const before = await snapshot(dir);
      const asUser = IS_ROOT ? { uid: NOBODY, gid: NOBODY } : {};
      if (!IS_ROOT && IN_CI) throw new Error("CI runs as root");
      assert.equal(readAll(dir, asUser), writable, "the same answers without write permission");
      assert.deepEqual(await snapshot(dir), before, "nothing written, created or removed");
    } finally {
      sh(`chmod -R u+w '${dir}'`);
      await chmod(dir, 0o700);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
