import { closeSync, constants, fstatSync, lstatSync, openSync, unlinkSync, type Stats } from "node:fs";
import { FILE_MODE, giveAway, makeDirs, type FileOwner } from "../file-owner.js";
import { dirname, relative, sep } from "node:path";
import { StorageError, storageError } from "../../errors.js";

/**
 * What the internal backend opens inside `data_path`, and how: nothing inside the data directory
 * is followed, neither for reading nor for writing (`data_path` itself may be a symbolic link),
 * and only regular files are read or written. A symbolic link, FIFO, socket or device where a
 * data file or directory belongs fails the operation with `backend-failure` naming it.
 *
 * Files are opened with O_NOFOLLOW (a link in the last component fails with ELOOP) and
 * O_NONBLOCK (opening a FIFO returns at once instead of waiting for a writer), then checked
 * with fstat, so the check and the use see the same file. Directories are checked with lstat
 * just before use: Node has no openat(), so this stops planted links, not an attacker who
 * swaps a directory for a link in the microseconds between check and use.
 */
const { O_RDONLY, O_RDWR, O_WRONLY, O_APPEND, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK } = constants;

export { DIR_MODE, FILE_MODE, type FileOwner } from "../file-owner.js";

function codeOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException)?.code;
}

export function isNotFound(error: unknown): boolean {
  return codeOf(error) === "ENOENT";
}

/** What lstat or a directory entry says about a name's type. */
type FileType = Pick<Stats, "isSymbolicLink" | "isFIFO" | "isSocket" | "isCharacterDevice" | "isBlockDevice" | "isDirectory" | "isFile">;

/** "a symbolic link", "a FIFO", … : what a non-regular file is, for error messages. */
export function kindOf(stats: FileType): string {
  if (stats.isSymbolicLink()) return "a symbolic link";
  if (stats.isFIFO()) return "a FIFO";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isDirectory()) return "a directory";
  return stats.isFile() ? "a regular file" : "not a regular file";
}

function refusal(path: string, kind: string, expected = "a regular file"): StorageError {
  return storageError(
    "backend-failure",
    `refusing ${path}: it is ${kind}, not ${expected} (xmppstore follows no symbolic link and opens no special file inside the data directory)`,
    { backend: "internal" },
  );
}

/** Opening with O_NOFOLLOW failed because the last component is a symbolic link (ELOOP; EMLINK on BSD). */
function isLinkRefusal(error: unknown): boolean {
  return codeOf(error) === "ELOOP" || codeOf(error) === "EMLINK";
}

/** Opens with O_NOFOLLOW|O_NONBLOCK and checks that what was opened is a regular file. */
function openRegular(path: string, flags: number): number {
  let fd: number;
  try {
    fd = openSync(path, flags | O_NOFOLLOW | O_NONBLOCK, FILE_MODE);
  } catch (error) {
    if (isLinkRefusal(error)) throw refusal(path, "a symbolic link");
    // A FIFO without a reader (write-only open) or a device without its driver.
    if (codeOf(error) === "ENXIO" || codeOf(error) === "ENODEV") throw refusal(path, kindOf(lstatSync(path)));
    throw error;
  }
  const stats = fstatSync(fd);
  if (!stats.isFile()) {
    closeSync(fd);
    throw refusal(path, kindOf(stats));
  }
  return fd;
}

/** Opens an existing regular file; `undefined` when there is none. */
function openExisting(path: string, flags: number): number | undefined {
  try {
    return openRegular(path, flags);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Opens an existing regular file for reading; `undefined` when there is none. */
export function openForReading(path: string): number | undefined {
  return openExisting(path, O_RDONLY);
}

/** Opens a regular file for reading and writing at its end, creating it (mode 0640) if missing. */
export function openForAppend(path: string, owner?: FileOwner): number {
  return owned(openRegular(path, O_RDWR | O_APPEND | O_CREAT), owner);
}

/** Gives an open file to `owner` (see file-owner.ts), closing it if that fails. */
function owned(fd: number, owner: FileOwner | undefined): number {
  try {
    giveAway(fd, owner);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return fd;
}

/** Opens an existing regular file for reading and writing in place; `undefined` when there is none. */
export function openForUpdate(path: string): number | undefined {
  return openExisting(path, O_RDWR);
}

/**
 * Creates a scratch file exclusively (O_EXCL never follows a link, even a dangling one).
 * A regular file already there is one a crashed writer (ours or Prosody's) left behind: it is
 * removed — unlinking removes only that name, never what another link points to — and the
 * creation retried; anything else there is refused.
 */
export function createScratch(path: string, owner?: FileOwner): number {
  for (let attempt = 0; ; attempt++) {
    try {
      return owned(openSync(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, FILE_MODE), owner);
    } catch (error) {
      if (codeOf(error) !== "EEXIST" || attempt > 0) throw error;
    }
    checkReplaceable(path);
    unlinkSync(path);
  }
}

/** Throws unless `path` is missing or a regular file (not a link): what a rename may replace. */
export function checkReplaceable(path: string): void {
  let stats: Stats;
  try {
    stats = lstatSync(path);
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
  if (!stats.isFile()) throw refusal(path, kindOf(stats));
}

/** Creates one directory (mode 0750); `root`, the data directory, too if it is missing. */
function makeDir(dir: string, root: string, owner: FileOwner | undefined): void {
  try {
    makeDirs(dir, owner, false);
  } catch (error) {
    if (codeOf(error) === "EEXIST") return;
    if (!isNotFound(error) || dirname(dir) !== root) throw error;
    makeDirs(root, owner);
    makeDir(dir, root, owner);
  }
}

/**
 * Checks every directory from below `root` down to `dir` with lstat: each must be a real
 * directory, not a link. A missing one is created (mode 0750) when `create`, else the walk
 * stops and `false` says that `dir` does not exist. `root` itself is not checked.
 */
export function checkDirs(root: string, dir: string, create: boolean, owner?: FileOwner): boolean {
  const rest = relative(root, dir);
  if (rest === "") return true;
  let at = root;
  for (const part of rest.split(sep)) {
    at = `${at}${sep}${part}`;
    let stats: Stats;
    try {
      stats = lstatSync(at);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      if (!create) return false;
      makeDir(at, root, owner);
      stats = lstatSync(at);
    }
    if (!stats.isDirectory()) throw refusal(at, kindOf(stats), "a directory");
  }
  return true;
}
