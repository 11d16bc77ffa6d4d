import { existsSync, fstatSync, ftruncateSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { StorageError, storageError } from "../../errors.js";
import { removeFile, syncDir, syncFd, writeAll, writeFileAtomic } from "./files.js";
import type { FileOwner } from "./file-safety.js";
import type { IndexCache } from "./index-cache.js";
import { identityOf, ListIndex, type ScannedItem } from "./list-index.js";
import { extendLidx, writeLidx } from "./lidx.js";
import { readItemBytes, type OpenList } from "./list-file.js";

/** A serialised `item(...);\n` with the fields the index keeps. */
export interface EncodedItem {
  bytes: Uint8Array;
  key: string;
  when: number;
  with?: string;
}

const NEWLINE = Buffer.from("\n");

/** An item's bytes ending with a newline, so that the next item starts on a new line. */
function ownLine(bytes: Uint8Array): Uint8Array {
  return bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a ? Buffer.concat([bytes, NEWLINE]) : bytes;
}

function failure(path: string, doing: string, error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  return storageError("backend-failure", `cannot ${doing} ${path}: ${(error as Error).message}`, { backend: "internal", cause: error });
}

export function lidxPathOf(listPath: string): string {
  return listPath.replace(/\.list$/, ".lidx");
}

/** Where each item of the list ends, as `.lidx` records it. */
function endsOf(index: ListIndex): number[] {
  return index.keys.map((_, i) => index.range(i)[1]);
}

/**
 * Appends one item to a list opened with `create`. A torn item left at the end by an
 * interrupted append is cut off first, so the new item follows the last complete one; earlier
 * bytes are never rewritten, so an interruption at any byte leaves every earlier item intact.
 * With `keepLidx` (a Prosody 13 deployment) the list gets an exact `.lidx` if it has none.
 */
export async function appendItem(list: OpenList, item: EncodedItem, cache: IndexCache, durable: boolean, keepLidx = false, owner?: FileOwner): Promise<void> {
  const { fd, index, path } = list;
  if (fd === undefined) throw new Error("appendItem needs a list opened for writing");
  const start = index.end;
  // Items must start on a line of their own: Prosody 13 finds item boundaries line by line.
  const bytes = index.endsWithNewline ? item.bytes : Buffer.concat([NEWLINE, item.bytes]);
  try {
    if (index.tornBytes > 0) ftruncateSync(fd, start);
    // The file is open in append mode: the write lands at the end, which is now `start`.
    writeAll(fd, bytes);
    if (durable) {
      await syncFd(fd);
      if (start === 0) await syncDir(dirname(path));
    }
    const entry: ScannedItem = { start, end: start + bytes.length, key: item.key, when: item.when };
    if (item.with !== undefined) entry.with = item.with;
    index.push(entry);
    index.endsWithNewline = true;
    index.identity = identityOf(fstatSync(fd));
    cache.set(path, index);
    const lidx = lidxPathOf(path);
    if (keepLidx && !existsSync(lidx)) await writeLidx(lidx, endsOf(index), durable, owner);
    else await extendLidx(lidx, start, entry.end, durable);
  } catch (error) {
    // The index no longer matches the file for sure; the next operation rebuilds it.
    cache.delete(path);
    throw failure(path, "append to", error);
  }
}

/** A step of a rewrite: copy the stored item at this position, or write this new item. */
export type RewriteStep = number | EncodedItem;

/**
 * Replaces a list by `plan`: stored items copied byte for byte and new items, in that order,
 * via a scratch file and rename as Prosody does; an empty plan removes the file. Prosody 13's
 * `.lidx` is removed first, as Prosody does before rewriting (it rebuilds it when next read);
 * with `keepLidx` (a Prosody 13 deployment) the new list's index is written right away.
 */
export async function rewriteList(list: OpenList, plan: readonly RewriteStep[], cache: IndexCache, durable: boolean, keepLidx = false, owner?: FileOwner): Promise<void> {
  const { path, index } = list;
  try {
    await removeFile(lidxPathOf(path), durable);
    const copied = plan.filter((step): step is number => typeof step === "number");
    const stored = readItemBytes(list, copied);
    const fresh = new ListIndex(undefined);
    const parts: Uint8Array[] = [];
    let offset = 0;
    let k = 0;
    for (const step of plan) {
      const item: EncodedItem =
        typeof step === "number"
          ? { bytes: ownLine(stored[k++]), key: index.keys[step], when: index.whens[step], with: index.withs[step] }
          : step;
      const entry: ScannedItem = { start: offset, end: offset + item.bytes.length, key: item.key, when: item.when };
      if (item.with !== undefined) entry.with = item.with;
      fresh.push(entry);
      parts.push(item.bytes);
      offset += item.bytes.length;
    }
    if (parts.length === 0) {
      await removeFile(path, durable);
      cache.delete(path);
      return;
    }
    await writeFileAtomic(path, Buffer.concat(parts), durable, owner);
    if (keepLidx) await writeLidx(lidxPathOf(path), endsOf(fresh), durable, owner);
    fresh.identity = identityOf(statSync(path));
    cache.set(path, fresh);
  } catch (error) {
    cache.delete(path);
    throw failure(path, "rewrite", error);
  }
}
