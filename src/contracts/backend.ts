import type { AnyStore, KeyValCaps, KeyValPlusStore, KeyValStore, Logger, MapCaps, MapStore, StoreType } from "./stores.js";
import type { HostOptions } from "./options.js";

/**
 * Resources shared by every backend instance of one manager (e.g. one SQL pool for all hosts
 * with the same connection settings). Created on first use; closed with the manager.
 */
export interface SharedResources {
  get<T>(key: string, create: () => T | Promise<T>, close: (resource: T) => void | Promise<void>): Promise<T>;
}

export interface BackendContext {
  /** The host this backend instance serves. */
  readonly host: string;
  /** The backend's name as configured (e.g. `"internal"`), for messages. */
  readonly name: string;
  readonly logger: Required<Logger>;
  readonly shared: SharedResources;
}

/** One store found in a backend's space, for discovery by the migrator and the command line. */
export interface DiscoveredStore {
  host: string;
  store: string;
  type: "keyval" | "archive";
}

/**
 * What a backend can do, as data. The manager reads `stores` to compose what a backend lacks (a
 * map, and Prosody's keyval+, over its keyval stores) and the rest to give the stores of a
 * backend that sets no store caps theirs; each store carries its own `caps` (see
 * {@link storeCaps}), which the conformance suite reads to decide which cases apply.
 */
export interface BackendCaps extends KeyValCaps {
  /** Store types `open` serves itself (their stores' `caps` say `native: true`). */
  readonly stores: readonly StoreType[];
  /**
   * For a backend with a fixed set of places (a file format such as XEP-0227) rather than any
   * store name: the stores it holds. Absent: any store, any value, host-wide data too.
   */
  readonly holds?: StoreHoldings;
}

/** The stores a backend with a fixed set of places holds. */
export interface StoreHoldings {
  /** Keyval store names (map and keyval+ views of them included). */
  readonly keyval: readonly string[];
  /** Archive store names. */
  readonly archive: readonly string[];
  /** Prefixes of archive store names (e.g. `pep_`). */
  readonly archivePrefixes: readonly string[];
  /** Whether it has a place for host-wide data (user `null`). */
  readonly hostWide: boolean;
  /** Whether keyval values may be anything, or must have the shape Prosody's modules give that store. */
  readonly anyValue: boolean;
}

/** Whether a backend with these caps holds `store` of `type` (every store when `holds` is absent). */
export function holdsStore(caps: BackendCaps | undefined, store: string, type: "keyval" | "archive"): boolean {
  const holds = caps?.holds;
  if (!holds) return true;
  if (type === "keyval") return holds.keyval.includes(store);
  return holds.archive.includes(store) || holds.archivePrefixes.some((p) => store.startsWith(p) && store.length > p.length);
}

/** Something of one store and user that a backend was given (or found) and cannot hold. */
export interface NotCarried {
  host: string;
  store: string;
  /** `null` for host-wide data. */
  user: string | null;
  what: string;
}

/** Assumed for a backend that states no `caps` (a plugin): keyval and archive stores of its own. */
export const DEFAULT_BACKEND_CAPS: BackendCaps = Object.freeze({
  stores: Object.freeze(["keyval", "archive"] as StoreType[]),
  persistent: true,
  byteStrings: true,
});

/**
 * The `caps` of a keyval-shaped store of a backend with `caps`: `native` (map, keyval+) says
 * whether the backend serves that type itself or the manager composed it.
 */
export function storeCaps(caps: KeyValCaps): KeyValCaps;
export function storeCaps(caps: KeyValCaps, native: boolean): MapCaps;
export function storeCaps(caps: KeyValCaps, native?: boolean): KeyValCaps | MapCaps {
  const { persistent, byteStrings } = caps;
  return Object.freeze(native === undefined ? { persistent, byteStrings } : { persistent, byteStrings, native });
}

/**
 * What `open` returns: a store, whose `caps` a plugin's keyval, map or keyval+ store may leave
 * out (the manager then gives it its backend's, see {@link storeCaps}); built-in stores set them.
 */
export type BackendStore = AnyStore | Omit<KeyValStore, "caps"> | Omit<MapStore, "caps"> | Omit<KeyValPlusStore, "caps">;

/**
 * A storage backend for one host. `open` is only asked for the store types `caps.stores` names;
 * the manager composes the others it can (a map over keyval) and refuses the rest with
 * `unsupported-store`. Stores receive arguments the manager has already validated.
 */
export interface Backend {
  /** What this backend can do; {@link DEFAULT_BACKEND_CAPS} when absent. */
  readonly caps?: BackendCaps;
  open(store: string, type: StoreType): BackendStore | Promise<BackendStore>;
  /** Deletes everything this backend holds for `user` on its host. */
  purge?(user: string): Promise<void>;
  /** Every host and store with data in this backend's space (not only this host's). */
  discover?(): AsyncIterable<DiscoveredStore>;
  close?(): Promise<void>;
  /** What it was given (or found in its files) and could not hold, since the last call; the migrator reports these. */
  takeNotCarried?(): NotCarried[];
}

/** What a backend module exports (as its default export, or as `createBackend`). */
export type BackendFactory = (options: HostOptions, context: BackendContext) => Backend | Promise<Backend>;
