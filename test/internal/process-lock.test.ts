import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { LOCK_FILE, lockDataDir } from "../../src/backends/internal/process-lock.js";
import { StorageError } from "../../src/errors.js";

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "xs-lock-"));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("internal: data directory lock", () => {
  it("lets one holder in, refuses a second with a clear error, and frees on release", () =>
    withDir(async (dir) => {
      const lock = await lockDataDir(dir);
      assert.equal(await readFile(join(dir, LOCK_FILE), "utf8"), `${process.pid} ${hostname()}\n`);
      await assert.rejects(lockDataDir(dir), (error: unknown) => {
        assert.ok(error instanceof StorageError);
        assert.equal(error.condition, "backend-failure");
        assert.match(error.message, /in use by another storage manager in this process/);
        return true;
      });
      await lock.release();
      const again = await lockDataDir(dir);
      await again.release();
    }));

  it("refuses a lock held by another live process", () =>
    withDir(async (dir) => {
      await writeFile(join(dir, LOCK_FILE), `${process.ppid} ${hostname()}\n`);
      await assert.rejects(lockDataDir(dir), new RegExp(`process ${process.ppid}`));
    }));

  it("takes over a lock left by a process that has exited", () =>
    withDir(async (dir) => {
      const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
      await writeFile(join(dir, LOCK_FILE), `${child.stdout.toString()} ${hostname()}\n`);
      const lock = await lockDataDir(dir);
      assert.equal(await readFile(join(dir, LOCK_FILE), "utf8"), `${process.pid} ${hostname()}\n`);
      await lock.release();
    }));
});
