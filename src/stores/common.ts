import { StorageError, storageError } from "../errors.js";
import type { CoreManager } from "../manager/manager.js";
import type { HostOptions } from "../contracts/index.js";
import { LuaTable, type Value } from "../values/index.js";

/** What every typed store is built from: the manager that opens its raw stores, and the host. */
export interface StoreScope {
  readonly sm: CoreManager;
  readonly host: string;
}

/** The host's options (Prosody option names), e.g. `default_iteration_count`. */
export function hostOptions(scope: StoreScope): HostOptions {
  return scope.sm.config.forHost(scope.host);
}

// Kept here under their old names for the typed stores; they live with the value model.
export { stringFields, pairsOf } from "../values/index.js";

/** A table with a `false` key (Prosody's metadata slot) followed by string keys. */
export function tableWithMeta(meta: Value | undefined, entries: Iterable<readonly [string, Value]>): LuaTable {
  const table = new LuaTable();
  if (meta !== undefined) table.set(false, meta);
  for (const [key, value] of entries) table.set(key, value);
  return table;
}

/** `invalid-input` naming the store, host and what was wrong. */
export function invalidInput(store: string, scope: StoreScope, message: string): StorageError {
  return storageError("invalid-input", message, { backend: store, object: scope.host });
}

/** Unix time now, whole seconds, as Prosody's `os.time()` gives it. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Collects an async iterable into an array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
