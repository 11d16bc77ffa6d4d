import { storeCaps, type Backend, type BackendCaps, type BackendFactory } from "../../contracts/index.js";
import { storageError } from "../../errors.js";
import { REMOVE, type AnyStore, type ArchiveResult, type StoreType } from "../../contracts/index.js";

function refuse(): never {
  throw storageError("storage-disabled", "this store keeps nothing; saving is not possible", { backend: "none" });
}

const refusing = async () => refuse();
async function* nothing(): AsyncGenerator<never> {}
const emptyResult = (total: boolean): ArchiveResult => (total ? { [Symbol.asyncIterator]: nothing, total: 0 } : { [Symbol.asyncIterator]: nothing });

const CAPS: BackendCaps = { stores: ["keyval", "map", "keyval+", "archive"], persistent: false, byteStrings: true };

/** Every store is empty and every write fails with `storage-disabled`, as Prosody's none backend. */
function noneStore(type: StoreType): AnyStore {
  switch (type) {
    case "keyval":
      // Prosody's none backend answers an empty table rather than nil.
      return { caps: storeCaps(CAPS), get: async () => ({}), set: refusing, users: nothing };
    case "map":
      return { caps: storeCaps(CAPS, true), remove: REMOVE, get: async () => undefined, set: refusing, setKeys: refusing, getAll: async () => undefined, deleteAll: refusing };
    case "keyval+":
      return {
        caps: storeCaps(CAPS, true),
        remove: REMOVE,
        get: async () => ({}),
        set: refusing,
        items: nothing,
        getKey: async () => undefined,
        setKey: refusing,
        setKeys: refusing,
        getKeyFromAll: async () => undefined,
        deleteKeyFromAll: refusing,
      };
    case "archive":
      return {
        caps: { total: true },
        append: refusing,
        find: async (_user, query) => emptyResult(query?.total === true),
        delete: async () => 0,
        get: async () => undefined,
        set: async () => false,
        summary: async () => ({ counts: {}, earliest: {}, latest: {} }),
        users: nothing,
      };
  }
}

export const createNoneBackend: BackendFactory = (): Backend => ({
  caps: CAPS,
  open: (_store, type) => noneStore(type),
  purge: async () => {},
});

export default createNoneBackend;
