import { open, readFile, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { storageError } from "../../errors.js";
import { ensureDir, FILE_MODE, isNotFound } from "./files.js";

/** Name of the advisory lock file in the data directory; Prosody ignores names starting with ".". */
export const LOCK_FILE = ".xmppstore.lock";

/** A held lock on a data directory; `release()` removes the lock file. */
export interface DataDirLock {
  readonly path: string;
  release(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function describeOwner(text: string): { pid: number; host: string } | undefined {
  const match = /^(\d+) (.*)\n?$/.exec(text);
  return match ? { pid: Number(match[1]), host: match[2] } : undefined;
}

/**
 * Takes the advisory lock of a data directory for writing, so that two xmppstore processes
 * (or two managers in one process) never write the same files at once: the per-file queues
 * only order writes within one manager. A lock left by a process that no longer runs on this
 * machine is taken over. Prosody itself takes no lock; see the README on running both.
 */
export async function lockDataDir(root: string): Promise<DataDirLock> {
  await ensureDir(root);
  const path = join(root, LOCK_FILE);
  const me = `${process.pid} ${hostname()}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, "wx", FILE_MODE);
      try {
        await handle.writeFile(me);
      } finally {
        await handle.close();
      }
      return {
        path,
        async release() {
          const current = await readFile(path, "utf8").catch(() => undefined);
          if (current === me) await unlink(path).catch(() => {});
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      if (isNotFound(error)) continue;
      throw error;
    }
    const owner = describeOwner(text);
    const stale = owner !== undefined && owner.host === hostname() && owner.pid !== process.pid && !isAlive(owner.pid);
    if (!stale) {
      const who =
        owner === undefined
          ? "an unknown owner"
          : owner.pid === process.pid && owner.host === hostname()
            ? "another storage manager in this process"
            : `process ${owner.pid} on ${owner.host}`;
      throw storageError("backend-failure", `[internal] the data directory ${root} is in use by ${who} (lock file ${path}); ` +
          "only one xmppstore writer may use a data directory at a time — close the other one, or remove the lock file if it is stale");
    }
    await unlink(path).catch(() => {});
  }
  throw storageError("backend-failure", `cannot take the lock file ${path}: it keeps changing`, { backend: "internal" });
}
