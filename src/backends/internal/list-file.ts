import { closeSync, fstatSync, readSync } from "node:fs";
import { StorageError, storageError } from "../../errors.js";
import { scanList } from "./codec.js";
import { openForAppend, openForReading, type FileOwner } from "./file-safety.js";
import type { IndexCache } from "./index-cache.js";
import { identityOf, ListIndex, sameIdentity, type FileIdentity } from "./list-index.js";
import { verifyLidx } from "./lidx.js";

/** Reads bytes [start, end) of an open file. */
function readRange(fd: number, start: number, end: number): Buffer {
  const buffer = Buffer.allocUnsafe(end - start);
  let done = 0;
  while (done < buffer.length) {
    const bytesRead = readSync(fd, buffer, done, buffer.length - done, start + done);
    if (bytesRead === 0) throw new Error(`file ended at byte ${start + done}, expected ${end}`);
    done += bytesRead;
  }
  return buffer;
}

/** An open `.list` file and its index, valid for the file version the descriptor shows. */
export interface OpenList {
  readonly path: string;
  /** File descriptor; undefined when the file does not exist (and was not created). */
  readonly fd: number | undefined;
  readonly index: ListIndex;
}

function failure(path: string, doing: string, error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  return storageError("backend-failure", `cannot ${doing} ${path}: ${(error as Error).message}`, { backend: "internal", cause: error });
}

/**
 * Extends `cached` with the items another process appended to the same file, scanning from its
 * last known item on: that item must still be there, byte range and id unchanged, else the file
 * was changed some other way and `false` says to rebuild from the whole file.
 */
function extendIndex(path: string, fd: number, cached: ListIndex, identity: FileIdentity): boolean {
  const last = cached.length - 1;
  if (last < 0 || cached.tornBytes > 0 || identity.size <= cached.end) return false;
  if (cached.identity?.ino !== identity.ino || cached.identity.dev !== identity.dev) return false;
  const [base, lastEnd] = cached.range(last);
  const tail = readRange(fd, base, identity.size);
  let scanned;
  try {
    scanned = scanList(tail, path, base, last);
  } catch {
    return false;
  }
  const [again, ...added] = scanned.items;
  if (!again || again.start !== base || again.end !== lastEnd || again.key !== cached.keys[last]) return false;
  for (const item of added) cached.push(item);
  cached.endsWithNewline = endsWithNewline(tail, scanned.end - base);
  cached.end = scanned.end;
  cached.identity = identity;
  return true;
}

/**
 * Brings the index of an open list up to date with the file the descriptor shows: kept as is when
 * size, mtime, ctime and inode are unchanged; extended by scanning only the new bytes when
 * the same file only grew (another process appended); rebuilt from the whole file otherwise.
 * `writing` says the list is open for a write, which may also fix a stale `.lidx`.
 */
async function currentIndex(path: string, fd: number, cache: IndexCache, durable: boolean, writing: boolean): Promise<ListIndex> {
  const identity = identityOf(fstatSync(fd));
  const cached = cache.get(path);
  if (cached?.identity && sameIdentity(cached.identity, identity) && !(writing && cached.lidxUnchecked)) return cached;
  let index: ListIndex;
  if (cached && extendIndex(path, fd, cached, identity)) index = cached;
  else if (cached?.identity && sameIdentity(cached.identity, identity)) index = cached;
  else {
    const scanned = scanWholeFile(path, fd, identity.size);
    index = new ListIndex(identity, scanned.items, scanned.end);
    index.endsWithNewline = scanned.end === 0 || readRange(fd, scanned.end - 1, scanned.end)[0] === 0x0a;
  }
  // A read never writes (the directory may be read-only): a stale `.lidx` is checked by the next write.
  index.lidxUnchecked = !writing;
  if (writing) await afterExternalChange(path, index, durable);
  cache.set(path, index);
  return index;
}

/** Bytes read at a time while indexing a whole file, so memory does not grow with the archive. */
const SCAN_CHUNK_BYTES = 4 << 20;

/**
 * The index fields of every complete item of a file, read a chunk at a time: each chunk is
 * scanned up to its last complete item and the next one starts there. A chunk holding no
 * complete item (one item larger than a chunk) is read again twice as large.
 */
export function scanWholeFile(path: string, fd: number, size: number, chunkBytes = SCAN_CHUNK_BYTES): ReturnType<typeof scanList> {
  const items: ReturnType<typeof scanList>["items"] = [];
  let offset = 0;
  let chunk = chunkBytes;
  for (;;) {
    const stop = Math.min(size, offset + chunk);
    const scanned = scanList(readRange(fd, offset, stop), path, offset, items.length);
    for (const item of scanned.items) items.push(item);
    if (stop === size) return { items, end: scanned.end };
    if (scanned.end === offset) {
      chunk *= 2;
    } else {
      offset = scanned.end;
      chunk = chunkBytes;
    }
  }
}

/** True when the complete items end with a newline (or there are none). */
function endsWithNewline(bytes: Uint8Array, end: number): boolean {
  return end <= 0 || bytes[end - 1] === 0x0a;
}

/**
 * The list changed behind our back (or was never indexed): a Prosody 13 `.lidx` beside it may
 * now be stale, e.g. after Prosody 0.12 appended, so it is checked and removed unless exact.
 */
async function afterExternalChange(path: string, index: ListIndex, durable: boolean): Promise<void> {
  const ends = index.keys.map((_, i) => index.range(i)[1]);
  await verifyLidx(path.replace(/\.list$/, ".lidx"), ends, durable);
}

/**
 * Opens a list for reading (`create` false: a missing file gives an empty index and no descriptor)
 * or for appending (`create` true: the file is made, mode 0640, in the directory the caller made).
 * Only a regular file is opened, never through a link (see file-safety.ts).
 * The caller closes it with {@link closeList}.
 */
export async function openList(path: string, cache: IndexCache, create: boolean, durable: boolean, owner?: FileOwner): Promise<OpenList> {
  let fd: number | undefined;
  try {
    fd = create ? openForAppend(path, owner) : openForReading(path);
  } catch (error) {
    throw failure(path, "open", error);
  }
  if (fd === undefined) {
    cache.delete(path);
    return { path, fd: undefined, index: new ListIndex(undefined) };
  }
  try {
    return { path, fd, index: await currentIndex(path, fd, cache, durable, create) };
  } catch (error) {
    closeSync(fd);
    throw failure(path, "read", error);
  }
}

/** Closes the list's file, if open. */
export function closeList(list: OpenList): void {
  if (list.fd !== undefined) closeSync(list.fd);
}

/**
 * The stored bytes of the items at `positions` (in the order given). Neighbouring items are
 * read together, so a page of consecutive items costs one read.
 */
export function readItemBytes(list: OpenList, positions: readonly number[]): Buffer[] {
  if (positions.length === 0 || list.fd === undefined) return [];
  const order = [...new Set(positions)].sort((a, b) => a - b);
  const bytes = new Map<number, Buffer>();
  const GAP = 16 * 1024; // read through small gaps rather than issuing another read
  const CHUNK = 4 * 1024 * 1024;
  try {
    for (let k = 0; k < order.length; ) {
      const first = order[k];
      const chunkStart = list.index.range(first)[0];
      let last = k;
      while (
        last + 1 < order.length &&
        list.index.range(order[last + 1])[0] - list.index.range(order[last])[1] <= GAP &&
        list.index.range(order[last + 1])[1] - chunkStart <= CHUNK
      ) {
        last++;
      }
      const chunk = readRange(list.fd, chunkStart, list.index.range(order[last])[1]);
      for (let j = k; j <= last; j++) {
        const [start, end] = list.index.range(order[j]);
        bytes.set(order[j], chunk.subarray(start - chunkStart, end - chunkStart));
      }
      k = last + 1;
    }
  } catch (error) {
    throw failure(list.path, "read", error);
  }
  return positions.map((i) => bytes.get(i)!);
}
