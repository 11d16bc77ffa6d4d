import type { Dirent } from "node:fs";
import { StorageError, storageError } from "../../errors.js";
import { storeCaps, type KeyValStore, type User } from "../../contracts/index.js";
import type { Value } from "../../values/index.js";
import { decodeDat, encodeDat } from "./codec.js";
import { checkParents, writing, type InternalContext } from "./context.js";
import { checkDirs, kindOf } from "./file-safety.js";
import { listEntries, readIfExists, removeFile, writeFileAtomic } from "./files.js";
import { decodeName } from "./names.js";

/** Reads `store`'s `.dat` file of `user`; `undefined` when there is none. */
export async function readDat(context: InternalContext, store: string, user: User): Promise<Value | undefined> {
  const file = context.layout.file(store, user, "dat");
  if (!checkParents(context, file, false)) return undefined;
  let bytes: Buffer | undefined;
  try {
    bytes = readIfExists(file);
  } catch (error) {
    if (error instanceof StorageError) throw error;
    throw storageError("backend-failure", `cannot read ${file}: ${(error as Error).message}`, { backend: "internal", cause: error });
  }
  return bytes === undefined ? undefined : decodeDat(bytes, file);
}

/**
 * Replaces (or, for `undefined`, removes) `user`'s `.dat` file; the caller holds the file's turn
 * (see `writing`, which has checked the directories; a missing one is made here when writing,
 * unless `dirsMade` says the caller's `writing` made them already).
 */
export async function writeDat(context: InternalContext, store: string, user: User, data: Value | undefined, dirsMade = false): Promise<void> {
  const file = context.layout.file(store, user, "dat");
  try {
    if (data === undefined) await removeFile(file, context.durable);
    else {
      const bytes = encodeDat(data, file);
      if (!dirsMade) checkParents(context, file, true);
      await writeFileAtomic(file, bytes, context.durable, context.owner);
    }
  } catch (error) {
    if (error instanceof StorageError) throw error;
    throw storageError("backend-failure", `cannot write ${file}: ${(error as Error).message}`, { backend: "internal", cause: error });
  }
}

/**
 * The users with a file of the given kind in a store directory, decoded from the file names.
 * Only regular files count: a link, FIFO, socket or device is skipped with a warning, as
 * reading it would be refused.
 */
export async function* usersWith(context: InternalContext, store: string, ext: ".dat" | ".list"): AsyncGenerator<string> {
  const dir = context.layout.storeDir(store);
  let entries: Dirent[];
  try {
    if (!checkDirs(context.layout.root, dir, false)) return;
    entries = await listEntries(dir);
  } catch (error) {
    if (error instanceof StorageError) throw error;
    throw storageError("backend-failure", `cannot list ${dir}: ${(error as Error).message}`, { backend: "internal", cause: error });
  }
  for (const entry of entries) {
    const name = entry.name;
    if (!name.endsWith(ext) || name.length === ext.length) continue;
    if (!entry.isFile()) {
      context.logger.warn(`[internal] ignoring ${dir}/${name}: it is ${kindOf(entry)}, not a regular file`);
      continue;
    }
    const user = decodeName(name.slice(0, -ext.length));
    if (user === undefined || user === "") {
      context.logger.warn(`[internal] ignoring ${dir}/${name}: its name does not decode to a user name`);
      continue;
    }
    yield user;
  }
}

/** Prosody's keyval store: one `return <table>;` Lua file per user, replaced atomically on every set. */
export function internalKeyVal(context: InternalContext, store: string): KeyValStore {
  return {
    caps: storeCaps(context.caps),
    get: (user) => readDat(context, store, user),
    async set(user, data) {
      const file = context.layout.file(store, user, "dat");
      // a write makes missing directories in its turn (one check of them), a removal does not
      const value = data ?? undefined;
      await writing(context, file, () => writeDat(context, store, user, value, value !== undefined), value !== undefined);
    },
    users: () => usersWith(context, store, ".dat"),
  };
}
