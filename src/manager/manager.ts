import { StorageError, toStorageError, storageError } from "../errors.js";
import { DEFAULT_BACKEND_CAPS, storeCaps, type Backend, type BackendStore, type BackendContext, type StorageConfig } from "../contracts/index.js";
import type { AnyStore, ArchiveStore, KeyValCaps, MapCaps, KeyValPlusStore, KeyValStore, Logger, MapStore, StoreByType, StoreType, User } from "../contracts/index.js";
import { ResolvedConfig } from "./config.js";
import { guardArchive, guardKeyVal, guardKeyValPlus, guardMap, type GuardLabel } from "./guard.js";
import { keyValPlus, mapOverKeyVal } from "./map-shim.js";
import { BackendRegistry } from "./registry.js";
import { SharedPool } from "./shared-pool.js";
import { PromiseCache } from "../util/promise-cache.js";
import { checkName, checkUser } from "./validate.js";

const STORE_TYPES: readonly StoreType[] = ["keyval", "map", "keyval+", "archive"];

/** Passed to store-opened listeners; a listener may return a store to use in place of `store`. */
export interface StoreOpenedEvent<T extends StoreType = StoreType> {
  readonly host: string;
  readonly name: string;
  readonly type: T;
  readonly backend: string;
  readonly store: StoreByType[T];
}

export type StoreOpenedListener = (event: StoreOpenedEvent) => AnyStore | void;

function completeLogger(logger: Logger | undefined): Required<Logger> {
  const quiet = () => {};
  return {
    debug: logger?.debug?.bind(logger) ?? quiet,
    info: logger?.info?.bind(logger) ?? quiet,
    warn: logger?.warn?.bind(logger) ?? quiet,
    error: logger?.error?.bind(logger) ?? quiet,
  };
}

/**
 * The backend instance serving `store` on `host` (loaded if need be), and its name, for the jobs
 * that need more than stores (discovery, bulk writes). Its stores skip the manager's input checks,
 * so it is not part of the package's API (src/index.ts does not export it).
 */
export let unguardedBackend: (sm: CoreManager, host: string, store: string) => Promise<{ name: string; backend: Backend }>;

/** Every backend instance a manager has made so far (the migrator asks them what they could not hold or read); not in the package's API either. */
export let openedBackends: (sm: CoreManager) => Promise<Backend[]>;

/**
 * The manager without typed stores (those are built on it one layer up, see `stores/index.ts`).
 * Picks a backend for each host and store from the configuration, loads backends on first use,
 * and hands out validated stores. It does no I/O of its own.
 */
export class CoreManager {
  readonly config: ResolvedConfig;
  readonly #logger: Required<Logger>;
  readonly #registry: BackendRegistry;
  readonly #shared = new SharedPool();
  readonly #backends = new PromiseCache<Backend>();
  readonly #stores = new PromiseCache<AnyStore>();
  readonly #listeners: StoreOpenedListener[] = [];
  #closed = false;

  constructor(config: StorageConfig = {}) {
    this.config = new ResolvedConfig(config);
    this.#logger = completeLogger(this.config.logger);
    this.#registry = new BackendRegistry(this.config.backends, this.config.pluginPaths);
  }

  /** Opens a store; `type` defaults to keyval. Repeated calls return the same store. */
  open(host: string, store: string): Promise<KeyValStore>;
  open<T extends StoreType>(host: string, store: string, type: T): Promise<StoreByType[T]>;
  async open(host: string, store: string, type: StoreType = "keyval"): Promise<AnyStore> {
    return this.#openCached(host, store, type, store);
  }

  /**
   * Opens `store` on the backend configured for another store name, `configStore`: mod_pep and
   * mod_pubsub open their per-node archives (`pep_<node>`, `pubsub_<node>`) on the driver of
   * `pep_data` / `pubsub_data`, so a `storage = { pep_data = "sql" }` configuration applies.
   */
  async openOn<T extends StoreType>(host: string, configStore: string, store: string, type: T): Promise<StoreByType[T]> {
    checkName(configStore, "store");
    return this.#openCached(host, store, type, configStore) as Promise<StoreByType[T]>;
  }

  async #openCached(host: string, store: string, type: StoreType, configStore: string): Promise<AnyStore> {
    checkName(host, "host");
    checkName(store, "store");
    if (!STORE_TYPES.includes(type)) {
      throw storageError("invalid-input", `store type must be one of ${STORE_TYPES.join(", ")}, got ${JSON.stringify(type)}`);
    }
    this.#checkOpen();
    const backendName = this.config.backendFor(host, configStore);
    const cacheKey = `${host}\0${store}\0${type}\0${backendName}`;
    return this.#stores.get(cacheKey, () => this.#openStore(host, store, type, backendName));
  }

  /** Registers a listener called for every newly opened store; returns a function that removes it. */
  onStoreOpened(listener: StoreOpenedListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const index = this.#listeners.indexOf(listener);
      if (index >= 0) this.#listeners.splice(index, 1);
    };
  }

  static {
    unguardedBackend = (sm, host, store) => sm.#backendFor(host, store);
    openedBackends = async (sm) => {
      const settled = await Promise.allSettled(sm.#backends.values());
      return settled.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value] : []));
    };
  }

  async #backendFor(host: string, store: string): Promise<{ name: string; backend: Backend }> {
    checkName(host, "host");
    checkName(store, "store");
    const name = this.config.backendFor(host, store);
    return { name, backend: await this.#backend(name, host) };
  }

  /** Deletes all of `user`'s data on `host`, from every backend the host is configured to use. */
  async purge(user: string, host: string): Promise<void> {
    checkUser(user);
    if (user === null) throw storageError("invalid-input", "purge needs a user name");
    checkName(host, "host");
    this.#checkOpen();
    for (const name of this.config.backendsOf(host)) {
      const backend = await this.#backend(name, host);
      if (!backend.purge) continue;
      try {
        await backend.purge(user);
      } catch (error) {
        throw toStorageError(name, `purge of ${user}@${host}`, error);
      }
    }
  }

  /** Closes every backend and shared resource. The manager cannot be used afterwards. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const backends = await Promise.allSettled(this.#backends.values());
    this.#backends.clear();
    this.#stores.clear();
    const failures: unknown[] = [];
    for (const outcome of backends) {
      if (outcome.status === "fulfilled" && outcome.value.close) {
        await outcome.value.close().catch((error: unknown) => failures.push(error));
      }
    }
    await this.#shared.close().catch((error: unknown) => failures.push(error));
    if (failures.length) throw toStorageError("manager", "close", failures[0]);
  }

  #checkOpen(): void {
    if (this.#closed) throw storageError("backend-failure", "the storage manager is closed", { backend: "manager" });
  }

  #backend(name: string, host: string): Promise<Backend> {
    const key = `${name}\0${host}`;
    return this.#backends.get(key, () => this.#createBackend(name, host));
  }

  async #createBackend(name: string, host: string): Promise<Backend> {
    const factory = await this.#registry.load(name);
    const context: BackendContext = { host, name, logger: this.#logger, shared: this.#shared };
    try {
      const backend = await factory(this.config.forHost(host), context);
      if (!backend || typeof backend.open !== "function") throw new Error("its factory returned no backend");
      this.#logger.debug(`storage backend ${name} loaded for ${host}`);
      return backend;
    } catch (error) {
      if (error instanceof StorageError && error.condition !== "backend-failure") throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw storageError("backend-failure", `cannot start storage backend "${name}" for ${host}: ${reason}`, { backend: name, cause: error });
    }
  }

  async #rawOpen(backend: Backend, label: GuardLabel, type: StoreType): Promise<BackendStore> {
    try {
      return await backend.open(label.store, type);
    } catch (error) {
      throw toStorageError(label.backend, `open ${type} store ${label.host}/${label.store}`, error);
    }
  }

  async #openStore(host: string, store: string, type: StoreType, name: string): Promise<AnyStore> {
    const backend = await this.#backend(name, host);
    const label: GuardLabel = { backend: name, host, store };
    const backendCaps = backend.caps ?? DEFAULT_BACKEND_CAPS;
    const native = backendCaps.stores;
    // A plugin's stores may carry no caps: theirs are then the backend's.
    const capsOf = (raw: BackendStore): KeyValCaps => (raw as { caps?: KeyValCaps }).caps ?? storeCaps(backendCaps);
    const mapCapsOf = (raw: BackendStore): MapCaps => ({ native: true, ...capsOf(raw) });
    const openMap = async (): Promise<MapStore> => {
      if (native.includes("map")) return (await this.#rawOpen(backend, label, "map")) as MapStore;
      this.#logger.debug(`${name} has no map stores; using a map over keyval for ${host}/${store}`);
      const keyval = await this.#rawOpen(backend, label, "keyval");
      return mapOverKeyVal(keyval as KeyValStore, capsOf(keyval));
    };
    if ((type === "keyval" || type === "archive") && !native.includes(type)) {
      throw storageError("unsupported-store", `no ${type} stores`, { backend: name });
    }
    let opened: AnyStore;
    switch (type) {
      case "keyval": {
        const raw = await this.#rawOpen(backend, label, type);
        opened = guardKeyVal(raw as KeyValStore, label, capsOf(raw));
        break;
      }
      case "map": {
        const map = await openMap();
        opened = guardMap(map, label, mapCapsOf(map));
        break;
      }
      case "keyval+": {
        const plus = native.includes("keyval+")
          ? ((await this.#rawOpen(backend, label, type)) as KeyValPlusStore)
          : await this.#rawOpen(backend, label, "keyval").then(async (keyval) => keyValPlus(keyval as KeyValStore, await openMap(), capsOf(keyval)));
        opened = guardKeyValPlus(plus, label, mapCapsOf(plus));
        break;
      }
      case "archive":
        opened = guardArchive((await this.#rawOpen(backend, label, type)) as ArchiveStore, label);
        break;
    }
    for (const listener of this.#listeners) {
      const replacement = listener({ host, name: store, type, backend: name, store: opened } as StoreOpenedEvent);
      if (replacement) opened = replacement;
    }
    return opened;
  }
}

export type { User };
