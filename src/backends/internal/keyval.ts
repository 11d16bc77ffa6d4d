import { readdir } from "node:fs/promises";
import { StorageError, storageError } from "../../errors.js";
import type { KeyValStore, User } from "../../contracts/index.js";
import type { Value } from "../../values/index.js";
import { decodeDat, encodeDat } from "./codec.js";
import { writing, type InternalContext } from "./context.js";
import { isNotFound, readIfExists, removeFile, writeFileAtomic } from "./files.js";
import { decodeName } from "./names.js";

/** Reads `store`'s `.dat` file of `user`; `undefined` when there is none. */
export async function readDat(context: InternalContext, store: string, user: User): Promise<Value | undefined> {
  const file = context.layout.file(store, user, "dat");
  let bytes: Buffer | undefined;
  try {
    bytes = readIfExists(file);
  } catch (error) {
    throw storageError("backend-failure", `cannot read ${file}: ${(error as Error).message}`, { backend: "internal", cause: error });
  }
  return bytes === undefined ? undefined : decodeDat(bytes, file);
}

/** Replaces (or, for `undefined`, removes) `user`'s `.dat` file; the caller holds the file's turn. */
export async function writeDat(context: InternalContext, store: string, user: User, data: Value | undefined): Promise<void> {
  const file = context.layout.file(store, user, "dat");
  try {
    if (data === undefined) await removeFile(file, context.durable);
    else await writeFileAtomic(file, encodeDat(data, file), context.durable);
  } catch (error) {
    if (error instanceof StorageError) throw error;
    throw storageError("backend-failure", `cannot write ${file}: ${(error as Error).message}`, { backend: "internal", cause: error });
  }
}

/** The users with a file of the given kind in a store directory, decoded from the file names. */
export async function* usersWith(context: InternalContext, store: string, ext: ".dat" | ".list"): AsyncGenerator<string> {
  const dir = context.layout.storeDir(store);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (isNotFound(error)) return;
    throw storageError("backend-failure", `cannot list ${dir}: ${(error as Error).message}`, { backend: "internal", cause: error });
  }
  for (const name of names.sort()) {
    if (!name.endsWith(ext) || name.length === ext.length) continue;
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
    get: (user) => readDat(context, store, user),
    async set(user, data) {
      const file = context.layout.file(store, user, "dat");
      await writing(context, file, () => writeDat(context, store, user, data ?? undefined));
    },
    users: () => usersWith(context, store, ".dat"),
  };
}
