import { closeSync, fsync, openSync, readFileSync, renameSync, unlinkSync, writeSync, type Dirent } from "node:fs";
import { readdir } from "node:fs/promises";
import { dirname } from "node:path";
import { promisify } from "node:util";
import { checkReplaceable, createScratch, isNotFound, openForReading, type FileOwner } from "./file-safety.js";

/**
 * File primitives of the internal backend. They use synchronous system calls, as Prosody does:
 * on a local file system opening, reading or renaming a small file takes microseconds, far less
 * than a round trip through libuv's thread pool that each asynchronous call costs (several per
 * operation). Only fsync, which waits for the disk, runs asynchronously. What may be opened is
 * decided in file-safety.ts: regular files only, no link followed, so no read can block on a
 * FIFO or device and no write can go through a planted link.
 */

const fsyncAsync = promisify(fsync);

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
 * `path`, so a reader sees the old or the new file, never a mix. The scratch file is created
 * exclusively (a planted `path~` link is refused, never written through) and `path` must be a
 * regular file or missing. With `durable`, the data is fsynced before the rename and the
 * directory after it, so the new file also survives a power loss; without it a crash of the
 * machine can lose the change (as with Prosody). The caller has checked the directories.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, durable: boolean, owner?: FileOwner): Promise<void> {
  const scratch = `${path}~`;
  const bytes = typeof data === "string" ? Buffer.from(data, "latin1") : data;
  checkReplaceable(path);
  const fd = createScratch(scratch, owner);
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

/**
 * Removes a file; a missing file is fine. Returns whether a file was removed. Unlinking a link
 * removes the link, never its target; a directory fails (EISDIR).
 */
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

/** The bytes of a regular file, or `undefined` when it does not exist. */
export function readIfExists(path: string): Buffer | undefined {
  const fd = openForReading(path);
  if (fd === undefined) return undefined;
  try {
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The entries of a directory sorted by name (with their types, not followed); none when it is missing. */
export async function listEntries(dir: string): Promise<Dirent[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}
