import { closeSync, linkSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { join } from "node:path";
import { StorageError, storageError } from "../../errors.js";
import { FILE_MODE, type FileOwner } from "./file-safety.js";
import { makeDirs } from "../file-owner.js";
import { readIfExists } from "./files.js";

/** Name of the advisory lock file in the data directory; Prosody ignores names starting with ".". */
export const LOCK_FILE = ".xmppstore.lock";

/** A held lock on a data directory; `release()` removes the lock file. */
export interface DataDirLock {
  readonly path: string;
  release(): Promise<void>;
}

/** Tokens of the locks this process holds: a lock naming our pid with another token is stale. */
const heldTokens = new Set<string>();

/** Who a lock file names: `PID HOST TOKEN` (older xmppstore wrote `PID HOST`, token ""). */
interface Owner {
  pid: number;
  host: string;
  token: string;
}

function parseOwner(text: string): Owner | undefined {
  const match = /^(\d+) (.*?)(?: ([0-9a-f]{32}))?\n?$/.exec(text);
  return match ? { pid: Number(match[1]), host: match[2], token: match[3] ?? "" } : undefined;
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

/**
 * A lock is stale when its process is gone: on this machine, not running, or running with our
 * pid but not holding it (a restarted container reuses pids). A lock of another machine
 * cannot be checked and is never stale.
 */
function isStale(owner: Owner): boolean {
  if (owner.host !== hostname()) return false;
  if (owner.pid === process.pid) return !heldTokens.has(owner.token);
  return !isAlive(owner.pid);
}

function readText(path: string): string | undefined {
  return readIfExists(path)?.toString("utf8");
}

/** Creates `path` exclusively with `text`; false when it exists. */
function createWith(path: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx", FILE_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function inUse(root: string, path: string, owner: Owner | undefined): StorageError {
  const who =
    owner === undefined
      ? "an unknown owner"
      : owner.pid === process.pid && owner.host === hostname()
        ? "another storage manager in this process"
        : `process ${owner.pid} on ${owner.host}`;
  return storageError(
    "backend-failure",
    `the data directory ${root} is in use by ${who} (lock file ${path}); ` +
      "only one xmppstore writer may use a data directory at a time — close the other one, or remove the lock file if it is stale",
    { backend: "internal" },
  );
}

/**
 * Removes the helper files (`LOCK.<token>` candidates, `LOCK.takeover-<token>` claims) that
 * processes which died on this machine left behind. Each names its owner like the lock does.
 */
function sweepLeftovers(root: string): void {
  for (const name of readdirSync(root)) {
    if (!name.startsWith(`${LOCK_FILE}.`)) continue;
    const path = join(root, name);
    let owner: Owner | undefined;
    try {
      owner = parseOwner(readText(path) ?? "");
    } catch {
      continue; // not a regular file: not ours to remove
    }
    if (owner && owner.host === hostname() && owner.pid !== process.pid && !isAlive(owner.pid)) removeQuietly(path);
  }
}

/**
 * Takes the advisory lock of a data directory for writing, so that two xmppstore processes
 * (or two managers in one process) never write the same files at once: the per-file queues
 * only order writes within one manager. Prosody itself takes no lock; see the README.
 *
 * The lock file is made complete under a private name and linked into place (link() fails if
 * the name exists), so a reader never sees it half written. A stale lock (see `isStale`) is
 * taken over by compare-and-swap on its exact content: the taker first creates the claim file
 * `LOCK.takeover-<token of the stale lock>` exclusively — only one process can, however many
 * found the same stale lock — then checks the lock still has that content and renames its own
 * lock over it. The claim stays until release, so a slow rival cannot claim the same
 * generation again after the winner is done with it.
 */
export async function lockDataDir(root: string, owner?: FileOwner): Promise<DataDirLock> {
  makeDirs(root, owner);
  const path = join(root, LOCK_FILE);
  const token = randomBytes(16).toString("hex");
  const me = `${process.pid} ${hostname()} ${token}\n`;
  const candidate = join(root, `${LOCK_FILE}.${token}`);
  createWith(candidate, me);
  try {
    for (let attempt = 0; attempt < 50; attempt++) {
      let claim: string | undefined;
      try {
        linkSync(candidate, path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        const text = readText(path);
        if (text === undefined) continue; // released meanwhile: try again
        const owner = parseOwner(text);
        if (owner === undefined || !isStale(owner)) throw inUse(root, path, owner);
        claim = join(root, `${LOCK_FILE}.takeover-${owner.token || `pid${owner.pid}`}`);
        if (!createWith(claim, me)) {
          const claimText = readText(claim);
          const claimer = claimText === undefined ? undefined : parseOwner(claimText);
          // The claim may be gone again (its taker released), still empty (its taker is between
          // creating and writing it), or held by a live taker: wait, then see who holds the lock.
          if (claimText === undefined || claimer === undefined || !isStale(claimer)) {
            await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 10));
            continue;
          }
          throw storageError(
            "backend-failure",
            `cannot take over the stale lock ${path}: ${claim} was left by a process that died while taking it over; remove both files if no xmppstore process uses ${root}`,
            { backend: "internal" },
          );
        }
        if (readText(path) !== text) {
          unlinkSync(claim);
          continue; // the lock changed after we read it: decide again
        }
        renameSync(candidate, path);
      }
      heldTokens.add(token);
      sweepLeftovers(root);
      return {
        path,
        async release() {
          heldTokens.delete(token);
          if (readText(path) === me) unlinkSync(path);
          if (claim) removeQuietly(claim);
        },
      };
    }
    throw storageError("backend-failure", `cannot take the lock file ${path}: it keeps changing`, { backend: "internal" });
  } catch (error) {
    if (error instanceof StorageError) throw error;
    throw storageError("backend-failure", `cannot take the lock file ${path}: ${(error as Error).message}`, { backend: "internal", cause: error });
  } finally {
    removeQuietly(candidate);
  }
}
