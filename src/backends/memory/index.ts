import type { Backend, BackendFactory, DiscoveredStore } from "../../contracts/index.js";
import { storageError } from "../../errors.js";
import { memoryArchive, type ArchiveData } from "./archive.js";
import { MEMORY_CAPS, memoryKeyVal, memoryMap, type KeyValData } from "./keyval.js";

/** Prosody's memory backend allows 1000 archive items per user unless configured. */
const MEMORY_ARCHIVE_LIMIT = 1000;

/**
 * Keeps everything in this process, per manager and host: for tests and for stores whose
 * contents need not outlive the process. Supports every store type.
 */
export const createMemoryBackend: BackendFactory = (options, context): Backend => {
  const keyvals = new Map<string, KeyValData>();
  const archives = new Map<string, ArchiveData>();
  const quota = options.storage_archive_item_limit ?? MEMORY_ARCHIVE_LIMIT;
  const keyvalData = (store: string) => keyvals.get(store) ?? keyvals.set(store, new Map()).get(store)!;
  const archiveData = (store: string) => archives.get(store) ?? archives.set(store, new Map()).get(store)!;

  return {
    caps: MEMORY_CAPS,
    open(store, type) {
      switch (type) {
        case "keyval":
          return memoryKeyVal(keyvalData(store));
        case "map":
          return memoryMap(keyvalData(store));
        case "archive":
          return memoryArchive(archiveData(store), quota);
        default:
          throw storageError("unsupported-store", `no ${type} stores`, { backend: "memory" });
      }
    },
    async purge(user) {
      for (const data of keyvals.values()) data.delete(user);
      for (const data of archives.values()) data.delete(user);
    },
    async *discover(): AsyncIterable<DiscoveredStore> {
      for (const [store, data] of keyvals) if (data.size > 0) yield { host: context.host, store, type: "keyval" };
      for (const [store, data] of archives) if (data.size > 0) yield { host: context.host, store, type: "archive" };
    },
    async close() {
      keyvals.clear();
      archives.clear();
    },
  };
};

export default createMemoryBackend;
