import { storeCaps, type Backend, type BackendCaps, type BackendFactory } from "../../contracts/index.js";
import { storageError } from "../../errors.js";
import { REMOVE, type AnyStore, type StoreType } from "../../contracts/index.js";

function disabled(): never {
  throw storageError("storage-disabled", "storage is disabled for this store", { backend: "null" });
}

const failing = async () => disabled();
function failingIterable(): AsyncIterable<never> {
  return { [Symbol.asyncIterator]: () => ({ next: failing }) };
}

const CAPS: BackendCaps = { stores: ["keyval", "map", "keyval+", "archive"], persistent: false, byteStrings: true };

/** Every operation of every store fails with `storage-disabled`, as Prosody's null backend. */
function nullStore(type: StoreType): AnyStore {
  switch (type) {
    case "keyval":
      return { caps: storeCaps(CAPS), get: failing, set: failing, users: failingIterable };
    case "map":
      return { caps: storeCaps(CAPS, true), remove: REMOVE, get: failing, set: failing, setKeys: failing, getAll: failing, deleteAll: failing };
    case "keyval+":
      return {
        caps: storeCaps(CAPS, true),
        remove: REMOVE,
        get: failing,
        set: failing,
        items: failingIterable,
        getKey: failing,
        setKey: failing,
        setKeys: failing,
        getKeyFromAll: failing,
        deleteKeyFromAll: failing,
      };
    case "archive":
      return {
        caps: {},
        append: failing,
        find: failing,
        delete: failing,
        get: failing,
        set: failing,
        summary: failing,
        users: failingIterable,
      };
  }
}

export const createNullBackend: BackendFactory = (): Backend => ({
  caps: CAPS,
  open: (_store, type) => nullStore(type),
});

export default createNullBackend;
