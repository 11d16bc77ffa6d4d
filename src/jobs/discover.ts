import { unguardedBackend } from "../manager/manager.js";
import { storageError } from "../errors.js";
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
const PROBE_HOST = "localhost";
const PROBE_STORE = "xmppstore-discovery";

/** Store names that reach every backend a host is configured with: one per `storage` entry, plus the default. */
function probeStores(source: DataSource, host: string): string[] {
  const { storage } = source.manager.config.forHost(host);
  return typeof storage === "object" && storage !== null ? [PROBE_STORE, ...Object.keys(storage)] : [PROBE_STORE];
}

/**
 * Every host and store holding data in a source, found by asking each configured backend's
 * `discover()` (so archives named after their content, such as `pubsub_<node>`, are found too).
 * A store is kept only where the configuration would look for it (data an `sql` host left in
 * the internal directory is not this source's). Sorted by host, store and type.
 */
export async function discoverStores(source: DataSource): Promise<StoreRef[]> {
  const { manager } = source;
  const seen = new Set<Backend>();
  const found = new Map<string, StoreRef>();
  for (const host of source.hosts.length > 0 ? source.hosts : [PROBE_HOST]) {
    for (const probe of probeStores(source, host)) {
      const { name, backend } = await unguardedBackend(manager, host, probe);
      if (seen.has(backend)) continue;
      seen.add(backend);
      if (!backend.discover) {
        throw storageError("unsupported-store", `this backend cannot list the stores it holds (${source.label})`, { backend: name });
      }
      for await (const ref of backend.discover()) {
        if (manager.config.backendFor(ref.host, ref.store) !== name) continue;
        const key = `${ref.host}\0${ref.store}\0${ref.type}`;
        if (!found.has(key)) found.set(key, { host: ref.host, store: ref.store, type: ref.type });
      }
    }
  }
  return [...found.values()].sort(compareRefs);
}

function compareRefs(a: StoreRef, b: StoreRef): number {
  return compareText(a.host, b.host) || compareText(a.store, b.store) || compareText(a.type, b.type);
}
