import type { AnyStore, Logger, StoreType } from "./stores.js";
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
 * A storage backend for one host. `open` returns a store of the asked type or throws
 * `StorageError("unsupported-store")`; the manager then composes what it can (a map over keyval).
 * Stores receive arguments the manager has already validated.
 */
export interface Backend {
  open(store: string, type: StoreType): AnyStore | Promise<AnyStore>;
  /** Deletes everything this backend holds for `user` on its host. */
  purge?(user: string): Promise<void>;
  /** Every host and store with data in this backend's space (not only this host's). */
  discover?(): AsyncIterable<DiscoveredStore>;
  close?(): Promise<void>;
}

/** What a backend module exports (as its default export, or as `createBackend`). */
export type BackendFactory = (options: HostOptions, context: BackendContext) => Backend | Promise<Backend>;
