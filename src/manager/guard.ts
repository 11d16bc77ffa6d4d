import { toStorageError, storageError } from "../errors.js";
import { asDictionary, emptyDictionary, isEmptyTable, normalizeValue, type Value } from "../values/index.js";
import type {
  ArchiveDeleteQuery,
  ArchiveQuery,
  ArchiveResult,
  ArchiveStore,
  KeyValCaps,
  KeyValPlusStore,
  KeyValStore,
  MapCaps,
  MapStore,
  Remove,
  User,
} from "../contracts/index.js";
import { REMOVE } from "../contracts/index.js";
import {
  checkArchiveKey,
  checkArchiveText,
  checkArchiveValue,
  checkKey,
  checkMapWideKey,
  checkQuery,
  checkUser,
  checkWhen,
  checkWith,
  cleanQuery,
  describe,
} from "./validate.js";

/**
 * The manager hands out guarded stores: arguments are validated and values copied into
 * canonical form before a backend sees them, and any non-StorageError a backend throws becomes
 * `backend-failure` naming the backend and store. Backends can thus trust their inputs.
 */
export interface GuardLabel {
  backend: string;
  host: string;
  store: string;
}

async function call<T>(label: GuardLabel, op: string, fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toStorageError(label.backend, `${op} on ${label.host}/${label.store}`, error);
  }
}

async function* guardIterable<T>(label: GuardLabel, op: string, source: () => AsyncIterable<T> | Promise<AsyncIterable<T>>) {
  try {
    yield* await source();
  } catch (error) {
    throw toStorageError(label.backend, `${op} on ${label.host}/${label.store}`, error);
  }
}

/** `undefined` for "delete": null, undefined and empty tables all mean nothing stored. */
function dataOrDelete(data: unknown, what: string): Value | undefined {
  if (data === undefined || data === null) return undefined;
  const value = normalizeValue(data, what);
  return isEmptyTable(value) ? undefined : value;
}

/** Map values are fields of the user's record, so they are checked one table level in. */
function checkKeyValues(values: unknown): Record<string, Value | Remove> {
  if (typeof values !== "object" || values === null || Array.isArray(values)) {
    throw storageError("invalid-input", `values must be an object of key = value, got ${describe(values)}`);
  }
  const out = emptyDictionary<Value | Remove>();
  for (const [key, value] of Object.entries(values)) {
    out[key] = value === REMOVE || value === undefined || value === null ? REMOVE : normalizeValue(value, `values[${JSON.stringify(key)}]`, 1);
  }
  return out;
}

/** The guards keep a store's caps; `caps` stands in where a plugin's store has none. */
export function guardKeyVal(inner: KeyValStore, label: GuardLabel, caps: KeyValCaps = inner.caps): KeyValStore {
  return {
    caps,
    get: (user) => call(label, "get", () => (checkUser(user), inner.get(user))),
    set: (user, data) =>
      call(label, "set", () => {
        checkUser(user);
        return inner.set(user, dataOrDelete(data, "data"));
      }),
    users: () => guardIterable(label, "users", () => inner.users()),
  };
}

export function guardMap(inner: MapStore, label: GuardLabel, caps: MapCaps = inner.caps): MapStore {
  return {
    caps,
    remove: REMOVE,
    get: (user, key) => call(label, "get", () => (checkUser(user), checkKey(key), inner.get(user, key))),
    set: (user, key, value) =>
      call(label, "set", () => {
        checkUser(user);
        checkKey(key);
        return inner.set(user, key, value === undefined || value === null ? undefined : normalizeValue(value, "value", 1));
      }),
    setKeys: (user, values) => call(label, "setKeys", () => (checkUser(user), inner.setKeys(user, checkKeyValues(values)))),
    getAll: (key) => call(label, "getAll", async () => (checkMapWideKey(key), asDictionary(await inner.getAll(key)))),
    deleteAll: (key) => call(label, "deleteAll", () => (checkMapWideKey(key), inner.deleteAll(key))),
  };
}

export function guardKeyValPlus(inner: KeyValPlusStore, label: GuardLabel, caps: MapCaps = inner.caps): KeyValPlusStore {
  return {
    caps,
    remove: REMOVE,
    get: (user) => call(label, "get", () => (checkUser(user), inner.get(user))),
    set: (user, data) => call(label, "set", () => (checkUser(user), inner.set(user, dataOrDelete(data, "data")))),
    items: () => guardIterable(label, "items", () => inner.items()),
    getKey: (user, key) => call(label, "getKey", () => (checkUser(user), checkKey(key), inner.getKey(user, key))),
    setKey: (user, key, value) =>
      call(label, "setKey", () => {
        checkUser(user);
        checkKey(key);
        return inner.setKey(user, key, value === undefined || value === null ? undefined : normalizeValue(value, "value", 1));
      }),
    setKeys: (user, values) => call(label, "setKeys", () => (checkUser(user), inner.setKeys(user, checkKeyValues(values)))),
    getKeyFromAll: (key) =>
      call(label, "getKeyFromAll", async () => (checkMapWideKey(key), asDictionary(await inner.getKeyFromAll(key)))),
    deleteKeyFromAll: (key) => call(label, "deleteKeyFromAll", () => (checkMapWideKey(key), inner.deleteKeyFromAll(key))),
  };
}

function guardResult(result: ArchiveResult, label: GuardLabel): ArchiveResult {
  const guarded: ArchiveResult = {
    [Symbol.asyncIterator]: () => guardIterable(label, "find", () => result)[Symbol.asyncIterator](),
  };
  if (result.total !== undefined) guarded.total = result.total;
  return guarded;
}

export function guardArchive(inner: ArchiveStore, label: GuardLabel): ArchiveStore {
  return {
    get caps() {
      return inner.caps;
    },
    append: (user, key, value, when, with_) =>
      call(label, "append", () => {
        checkUser(user);
        checkArchiveKey(key);
        checkArchiveValue(value);
        checkWhen(when);
        checkWith(with_);
        const copy = normalizeValue(value, "value") as typeof value;
        return inner.append(user, key ?? null, copy, when ?? Math.floor(Date.now() / 1000), with_ ?? undefined);
      }),
    find: (user, query) =>
      call(label, "find", async () => {
        checkUser(user);
        checkQuery(query);
        return guardResult(await inner.find(user, cleanQuery<ArchiveQuery>(query)), label);
      }),
    delete: (user, query) =>
      call(label, "delete", () => {
        if (user !== true) checkUser(user);
        else if (!inner.caps.wildcardDelete) {
          throw storageError("unsupported-store", "this archive cannot delete across all users", { backend: label.backend, object: label.store });
        }
        checkQuery(query, true);
        return inner.delete(user, cleanQuery<ArchiveDeleteQuery>(query));
      }),
    get: (user, id) => call(label, "get", () => (checkUser(user), checkArchiveText(id, "id"), inner.get(user, id))),
    set: (user, id, value, when, with_) =>
      call(label, "set", () => {
        checkUser(user);
        checkArchiveText(id, "id");
        checkArchiveValue(value);
        checkWhen(when);
        checkWith(with_);
        return inner.set(user, id, normalizeValue(value, "value") as typeof value, when, with_ ?? undefined);
      }),
    summary: (user, query) =>
      call(label, "summary", () => {
        checkUser(user);
        checkQuery(query);
        return inner.summary(user, cleanQuery<ArchiveQuery>(query));
      }),
    users: () => guardIterable(label, "users", () => inner.users()),
  };
}

export type { User };
