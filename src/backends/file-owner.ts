import { chownSync, closeSync, fchownSync, fstatSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Files a server can use: every file a backend creates gets mode 0640 and every directory
 * 0750 (less if the umask says so), and, when the process runs as root (an operator migrating
 * for Prosody), the owner and group the configuration names — Prosody runs as its own user and
 * could not write, or even read, files left to root.
 */

/** Numeric owner and group given to new files (the `file_owner` option). */
export interface FileOwner {
  uid: number;
  gid: number;
}

/** Mode of new data files: owner read/write, group read. */
export const FILE_MODE = 0o640;
/** Mode of new directories. */
export const DIR_MODE = 0o750;

/** Whether files can be given away: only root may chown to another user. */
function mayGiveAway(owner: FileOwner | undefined): owner is FileOwner {
  return owner !== undefined && process.getuid?.() === 0;
}

/**
 * Creates a directory (0750) and, when `parents`, its missing parents, giving the new ones to
 * `owner`. Without `parents` an existing directory or a missing parent throws, as mkdir does.
 */
export function makeDirs(dir: string, owner?: FileOwner, parents = true): void {
  if (!parents) {
    mkdirSync(dir, { mode: DIR_MODE });
    if (mayGiveAway(owner)) chownSync(dir, owner.uid, owner.gid);
    return;
  }
  const first = mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  if (first === undefined || !mayGiveAway(owner)) return;
  // mkdir returned the top-most directory it made; every one from there down to `dir` is new.
  for (let path = dir; ; path = dirname(path)) {
    chownSync(path, owner.uid, owner.gid);
    if (path === first || dirname(path) === path) break;
  }
}

/**
 * Gives an open file to `owner`, when that is possible and it is not theirs already: a chown
 * changes the file's ctime, which readers (the internal backend's index cache) take for a
 * change by another process, so it is done only where it changes something.
 */
export function giveAway(fd: number, owner?: FileOwner): void {
  if (!mayGiveAway(owner)) return;
  const { uid, gid } = fstatSync(fd);
  if (uid !== owner.uid || gid !== owner.gid) fchownSync(fd, owner.uid, owner.gid);
}

/**
 * Makes sure `file` exists, creating it empty (0640, given to `owner`) if it does not; its
 * directory must exist. Used before SQLite opens a database: SQLite would create it 0644, and
 * it gives its -wal and -shm files the mode and owner of the database file.
 */
export function touchFile(file: string, owner?: FileOwner): void {
  let fd: number;
  try {
    fd = openSync(file, "wx", FILE_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return;
    throw error;
  }
  try {
    giveAway(fd, owner);
  } finally {
    closeSync(fd);
  }
}
