import { unguardedBackend } from "../manager/manager.js";
import { isStorageError, storageError } from "../errors.js";
import { ConfigError } from "../config/errors.js";
import type { Backend } from "../contracts/index.js";
import type { DataSource } from "./data-source.js";
import { compareText } from "./order.js";

/** One store with data: a keyval store (map stores included) or an archive, on one host. */
export interface StoreRef {
  host: string;
  store: string;
  type: "keyval" | "archive";
}

/** Host used to reach a backend when the source names no host: backends list every host anyway. */
const PROBE_HOST = "any host";
const PROBE_STORE = "xmppstore-discovery";

/** Store names that reach every backend a host is configured with: one per `storage` entry, plus the default. */
function probeStores(source: DataSource, host: string): string[] {
  const { storage } = source.manager.config.forHost(host);
  return typeof storage === "object" && storage !== null ? [PROBE_STORE, ...Object.keys(storage)] : [PROBE_STORE];
}

/**
 * Every backend a source's configuration uses (each started: connected, schema checked), once.
 * A backend that cannot start throws its StorageError.
 */
export async function* backendsOf(source: DataSource): AsyncGenerator<{ name: string; backend: Backend }> {
  const seen = new Set<Backend>();
  for (const host of source.hosts.length > 0 ? source.hosts : [PROBE_HOST]) {
    for (const probe of probeStores(source, host)) {
      const found = await unguardedBackend(source.manager, host, probe);
      if (seen.has(found.backend)) continue;
      seen.add(found.backend);
      yield found;
    }
  }
}

/**
 * Starts every backend of a source before any work (connects, checks the schema, creates it on
 * a target), so that a target that cannot be reached fails before the first item moves. A
 * database that does not exist, holds no Prosody tables where they are read, or that a backend
 * refuses to start on (invalid-input), is a configuration error (exit status 2), as a missing
 * directory is.
 */
export async function reach(source: DataSource): Promise<void> {
  try {
    const started = backendsOf(source);
    while (!(await started.next()).done) {
      // each step starts one backend; nothing more to do
    }
  } catch (error) {
    if (isStorageError(error, "item-not-found") || isStorageError(error, "invalid-input")) throw new ConfigError(`${source.label}: ${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * Every host and store holding data in a source, found by asking each configured backend's
 * `discover()` (so archives named after their content, such as `pubsub_<node>`, are found too).
 * A store is kept only where the configuration would look for it (data an `sql` host left in
 * the internal directory is not this source's). Sorted by host, store and type.
 */
export async function discoverStores(source: DataSource): Promise<StoreRef[]> {
  const { manager } = source;
  const found = new Map<string, StoreRef>();
  for await (const { name, backend } of backendsOf(source)) {
    if (!backend.discover) {
      throw storageError("unsupported-store", `this backend cannot list the stores it holds (${source.label})`, { backend: name });
    }
    for await (const ref of backend.discover()) {
      if (manager.config.backendFor(ref.host, ref.store) !== name) continue;
      const key = `${ref.host}\0${ref.store}\0${ref.type}`;
      if (!found.has(key)) found.set(key, { host: ref.host, store: ref.store, type: ref.type });
    }
  }
  return [...found.values()].sort(compareRefs);
}

function compareRefs(a: StoreRef, b: StoreRef): number {
  return compareText(a.host, b.host) || compareText(a.store, b.store) || compareText(a.type, b.type);
}
