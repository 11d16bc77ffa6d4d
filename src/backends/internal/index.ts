import { uuidV7Id } from "../../archive/ids.js";
import { prosodyVersionOf } from "../../contracts/prosody-version.js";
import { IdSource } from "./ids.js";
import { join } from "node:path";
import type { Backend, BackendCaps, BackendFactory } from "../../contracts/index.js";
import type { HostOptions } from "../../contracts/index.js";
import { storageError } from "../../errors.js";
import { internalArchive } from "./archive.js";
import { writing, type InternalContext } from "./context.js";
import { discoverStores } from "./discover.js";
import { FileMutex } from "./file-mutex.js";
import { listEntries, removeFile } from "./files.js";
import { DEFAULT_INDEX_CACHE_ITEMS, IndexCache } from "./index-cache.js";
import { internalKeyVal } from "./keyval.js";
import { internalMap } from "./map.js";
import { encodeChecked } from "./names.js";
import { HostLayout } from "./paths.js";
import { lockDataDir } from "./process-lock.js";

/** Files outlive the process and keep any Lua string byte for byte. */
const INTERNAL_CAPS: BackendCaps = { stores: ["keyval", "map", "archive"], persistent: true, byteStrings: true };

/** Prosody's default `storage_archive_item_limit` for this backend. */
const INTERNAL_ARCHIVE_LIMIT = 10000;

/** Options of the internal backend, beyond Prosody's `data_path` and `storage_archive_item_limit`. */
export interface InternalOptions {
  /**
   * `internal_durable`: fsync every written file and its directory before a write resolves,
   * so acknowledged data survives a power loss. Default `false`, as Prosody never fsyncs.
   */
  internal_durable?: boolean;
  /** `internal_index_cache_items`: archive items kept indexed in memory per data directory. */
  internal_index_cache_items?: number;
}

const CONFIG = { backend: "internal", object: "invalid configuration" } as const;

function readOptions(options: HostOptions & InternalOptions): { dataPath: string; durable: boolean; quota: number; cacheItems: number; readOnly: boolean } {
  const durable = options.internal_durable ?? false;
  if (typeof durable !== "boolean") throw storageError("invalid-input", "internal_durable must be true or false", CONFIG);
  const cacheItems = options.internal_index_cache_items ?? DEFAULT_INDEX_CACHE_ITEMS;
  if (!(Number.isSafeInteger(cacheItems) && (cacheItems as number) >= 0)) throw storageError("invalid-input", "internal_index_cache_items must be a whole number >= 0", CONFIG);
  return {
    dataPath: options.data_path ?? "./data",
    durable,
    quota: options.storage_archive_item_limit ?? INTERNAL_ARCHIVE_LIMIT,
    cacheItems: cacheItems as number,
    readOnly: options.read_only === true,
  };
}

/**
 * Prosody's own file storage (mod_storage_internal + util.datamanager), file for file:
 * keyval data in `.dat` Lua files, archives in `.list` files, under `data_path`.
 */
export const createInternalBackend: BackendFactory = (options, backendContext): Backend => {
  const { dataPath, durable, quota, cacheItems, readOnly } = readOptions(options);
  const owner = options.file_owner;
  // Prosody 13 gives new items UUIDv7 ids, 0.12 util.id.medium() ones (see README).
  const ids = new IdSource();
  const is13 = prosodyVersionOf(options) === "13";
  const newId = is13 ? () => uuidV7Id() : () => ids.next();
  const layout = new HostLayout(dataPath, backendContext.host);
  const shared = backendContext.shared;
  const root = layout.root;
  // One queue, index cache and lock per data directory, shared by every host that uses it.
  const mutexP = shared.get(`internal:mutex:${root}`, () => new FileMutex(), (mutex) => mutex.idle());
  const indexesP = shared.get(`internal:indexes:${root}`, () => new IndexCache(cacheItems), (cache) => cache.clear());
  let locked = false;
  const lockForWriting = async () => {
    if (locked) return;
    if (readOnly) throw storageError("invalid-input", "open for reading only (read_only)", { backend: "internal", object: root });
    await shared.get(`internal:lock:${root}`, () => lockDataDir(root, owner), (lock) => lock.release());
    locked = true;
  };

  let contextP: Promise<InternalContext> | undefined;
  const context = () =>
    (contextP ??= Promise.all([mutexP, indexesP]).then(([mutex, indexes]) => ({
      caps: INTERNAL_CAPS,
      layout,
      durable,
      owner,
      mutex,
      lockForWriting,
      indexes,
      quota,
      newId,
      keepLidx: is13,
      logger: backendContext.logger,
    })));

  return {
    caps: INTERNAL_CAPS,
    async open(store, type) {
      layout.storeDir(store); // rejects a store name that cannot be a file name, before any use
      const ctx = await context();
      switch (type) {
        case "keyval":
          return internalKeyVal(ctx, store);
        case "map":
          return internalMap(ctx, store);
        case "archive":
          return internalArchive(ctx, store);
        default:
          throw storageError("unsupported-store", `no ${type} stores (keyval, map and archive only)`, { backend: "internal" });
      }
    },

    /** As Prosody: removes the user's `.dat`, `.list` (and `.lidx`) file in every store directory of the host. */
    async purge(user) {
      const ctx = await context();
      const userFile = encodeChecked(user, "user");
      let stores: string[];
      try {
        // A linked store directory is kept in the list, so that the write check below refuses it
        // by name rather than purge leaving the user's data in it.
        const found = await listEntries(layout.hostDir);
        stores = found.filter((e) => e.isDirectory() || e.isSymbolicLink()).map((e) => e.name);
      } catch (error) {
        throw storageError("backend-failure", `cannot list ${layout.hostDir}: ${(error as Error).message}`, { backend: "internal", cause: error });
      }
      for (const dir of stores) {
        for (const ext of ["dat", "lidx", "list"]) {
          const file = join(layout.hostDir, dir, `${userFile}.${ext}`);
          await writing(
            ctx,
            file,
            async () => {
              await removeFile(file, durable);
              ctx.indexes.delete(file);
            },
            false,
          );
        }
      }
    },

    discover: () => discoverStores(root, backendContext.logger.warn),

    async close() {
      await (await mutexP).idle();
    },
  };
};

export default createInternalBackend;
