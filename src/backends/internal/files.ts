import { closeSync, fsync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { promisify } from "node:util";

/**
 * File primitives of the internal backend. They use synchronous system calls, as Prosody does:
 * on a local file system opening, reading or renaming a small file takes microseconds, far less
 * than a round trip through libuv's thread pool that each asynchronous call costs (several per
 * operation). Only fsync, which waits for the disk, runs asynchronously.
 */

/** Mode of new data files: owner read/write, group read (umask may remove more). */
export const FILE_MODE = 0o640;
/** Mode of new directories. */
const DIR_MODE = 0o750;

const fsyncAsync = promisify(fsync);

export function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === "ENOENT";
}

/** Creates a directory and its parents (mode 0750) if missing. */
export function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: DIR_MODE });
}

/**
 * Opens a file for writing, creating it (mode 0640) and, only when the open fails for want
 * of it, its directory: the directory usually exists, and checking first would cost system
 * calls on every write.
 */
export function openCreating(path: string, flags: "w" | "a+"): number {
  try {
    return openSync(path, flags, FILE_MODE);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    ensureDir(dirname(path));
    return openSync(path, flags, FILE_MODE);
  }
}

/** Waits until the data of an open file is on disk. */
export function syncFd(fd: number): Promise<void> {
  return fsyncAsync(fd);
}

/** Flushes a directory entry change (create, rename, unlink) to disk. */
export async function syncDir(dir: string): Promise<void> {
  const fd = openSync(dir, "r");
  try {
    await fsyncAsync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes all of `data` at the file position (or the end, in append mode). */
export function writeAll(fd: number, data: Uint8Array): void {
  for (let done = 0; done < data.length; ) done += writeSync(fd, data, done, data.length - done);
}

/**
 * Replaces `path` with `data` atomically, as Prosody does: write `path~`, then rename it over
 * `path`, so a reader sees the old or the new file, never a mix. With `durable`, the data is
 * fsynced before the rename and the directory after it, so the new file also survives a power
 * loss; without it a crash of the machine can lose the change (as with Prosody).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, durable: boolean): Promise<void> {
  const scratch = `${path}~`;
  const bytes = typeof data === "string" ? Buffer.from(data, "latin1") : data;
  const fd = openCreating(scratch, "w");
  try {
    writeAll(fd, bytes);
    if (durable) await fsyncAsync(fd);
  } catch (error) {
    closeSync(fd);
    try {
      unlinkSync(scratch);
    } catch {
      // the scratch file is gone already; the write error is what matters
    }
    throw error;
  }
  closeSync(fd);
  renameSync(scratch, path);
  if (durable) await syncDir(dirname(path));
}

/** Removes a file; a missing file is fine. Returns whether a file was removed. */
export async function removeFile(path: string, durable: boolean): Promise<boolean> {
  try {
    unlinkSync(path);
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
  if (durable) await syncDir(dirname(path));
  return true;
}

/** The file's bytes, or `undefined` when it does not exist. */
export function readIfExists(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
