import { mkdir, open, readFile, rename, unlink } from "node:fs/promises";
import { dirname } from "node:path";

/** Mode of new data files: owner read/write, group read (Prosody's are created the same under umask 027). */
export const FILE_MODE = 0o640;
/** Mode of new directories. */
export const DIR_MODE = 0o750;

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === "ENOENT";
}

/** Creates a directory and its parents (mode 0750) if missing. */
export async function ensureDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
}

/** Flushes a directory entry change (create, rename, unlink) to disk. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `path` with `data` atomically, as Prosody does: write `path~`, then rename it over
 * `path`, so a reader sees the old or the new file, never a mix. With `durable`, the data is
 * fsynced before the rename and the directory after it, so the new file also survives a power
 * loss; without it a crash can leave the old file or (on some file systems) an empty one.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, durable: boolean): Promise<void> {
  await ensureDir(dirname(path));
  const scratch = `${path}~`;
  const handle = await open(scratch, "w", FILE_MODE);
  try {
    await handle.writeFile(data);
    if (durable) await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(scratch).catch(() => {});
    throw error;
  }
  await handle.close();
  await rename(scratch, path);
  if (durable) await syncDir(dirname(path));
}

/** Removes a file; a missing file is fine. Returns whether a file was removed. */
export async function removeFile(path: string, durable: boolean): Promise<boolean> {
  try {
    await unlink(path);
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
  if (durable) await syncDir(dirname(path));
  return true;
}

/** The file's bytes, or `undefined` when it does not exist. */
export async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export { isNotFound };
