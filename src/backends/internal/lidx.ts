import { closeSync, existsSync, fstatSync, readSync, writeSync } from "node:fs";
import { checkReplaceable, openForUpdate } from "./file-safety.js";
import { readIfExists, removeFile, syncFd, writeFileAtomic } from "./files.js";
import type { FileOwner } from "./file-safety.js";

/**
 * Prosody 13's `.lidx` file, the offset index it keeps beside a `.list` (util/datamanager.lua):
 * native `size_t` numbers (`string.pack("T")`, 8 bytes little-endian on the 64-bit machines
 * Prosody runs on): first the magic number 7767640 ("T9" for Prosody, index version 1), then for
 * each item the byte offset where it ends. Item i starts where item i-1 ends (item 1 at 0).
 *
 * Prosody 13 trusts an index whose magic matches without checking it against the list, and
 * Prosody 0.12 never updates it, so a wrong index makes Prosody 13 return wrong items. This
 * module therefore creates one only for a 13 deployment (`prosody_version = "13"`, where no
 * 0.12 writes), extends one only when it is exactly right, and removes any it finds wrong;
 * Prosody 13 rebuilds a missing index on its next read.
 */
export const LIDX_MAGIC = 7767640n;
const ENTRY = 8;

/**
 * What `.lidx` says: the end offset of every item, or `undefined` if it is missing or not an
 * index — including one whose length is not a whole number of entries (trailing junk), which
 * Prosody 13 would misread, so it is removed and rebuilt like any other wrong index.
 */
export function readLidx(path: string): number[] | undefined {
  const bytes = readIfExists(path);
  if (bytes === undefined || bytes.length < ENTRY || bytes.length % ENTRY !== 0) return undefined;
  if (bytes.readBigUInt64LE(0) !== LIDX_MAGIC) return undefined;
  const ends: number[] = [];
  for (let at = ENTRY; at + ENTRY <= bytes.length; at += ENTRY) ends.push(Number(bytes.readBigUInt64LE(at)));
  return ends;
}

function sameEnds(found: readonly number[], expected: readonly number[]): boolean {
  return found.length === expected.length && found.every((end, i) => end === expected[i]);
}

/**
 * Checks an existing `.lidx` against the item ends xmppstore computed from the list itself,
 * and removes it unless it matches exactly. Returns whether a correct index remains.
 */
export async function verifyLidx(path: string, ends: readonly number[], durable: boolean): Promise<boolean> {
  let found: number[] | undefined;
  try {
    found = readLidx(path);
  } catch {
    found = undefined;
  }
  if (found !== undefined && sameEnds(found, ends)) return true;
  await removeFile(path, durable);
  return false;
}

/**
 * After appending an item that spans [start, end) to the list: extends an existing `.lidx` if
 * its last entry is `start` (it described the list exactly before the append), else removes it.
 * A list without an index is left without one.
 */
export async function extendLidx(path: string, start: number, end: number, durable: boolean): Promise<void> {
  // Most lists have no index: find that out without the cost of a thrown ENOENT.
  if (!existsSync(path)) return;
  let fd: number | undefined;
  try {
    fd = openForUpdate(path);
  } catch {
    // Not a regular file (a link, say): not an index we can trust or extend.
    await removeFile(path, durable);
    return;
  }
  if (fd === undefined) return;
  let valid = false;
  try {
    const { size } = fstatSync(fd);
    const head = Buffer.alloc(ENTRY);
    const tail = Buffer.alloc(ENTRY);
    if (size >= 2 * ENTRY && size % ENTRY === 0) {
      readSync(fd, head, 0, ENTRY, 0);
      readSync(fd, tail, 0, ENTRY, size - ENTRY);
      valid = head.readBigUInt64LE(0) === LIDX_MAGIC && tail.readBigUInt64LE(0) === BigInt(start) && start > 0;
    }
    if (valid) {
      const entry = Buffer.alloc(ENTRY);
      entry.writeBigUInt64LE(BigInt(end));
      writeSync(fd, entry, 0, ENTRY, size);
      if (durable) await syncFd(fd);
    }
  } finally {
    closeSync(fd);
  }
  if (!valid) await removeFile(path, durable);
}

/** Writes a whole `.lidx` for a list whose items end at `ends` (scratch file and rename, as Prosody). */
export async function writeLidx(path: string, ends: readonly number[], durable: boolean, owner?: FileOwner): Promise<void> {
  const bytes = Buffer.alloc(ENTRY * (ends.length + 1));
  bytes.writeBigUInt64LE(LIDX_MAGIC, 0);
  ends.forEach((end, i) => bytes.writeBigUInt64LE(BigInt(end), ENTRY * (i + 1)));
  try {
    checkReplaceable(path);
  } catch {
    // A link (or FIFO…) where the index belongs, planted or dangling: the index is ours to
    // rebuild, and unlinking the name never touches what a link points to.
    await removeFile(path, durable);
  }
  await writeFileAtomic(path, bytes, durable, owner);
}

export { removeFile as removeLidx };
