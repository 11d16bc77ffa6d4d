import { pubsubPrefix, type StoreSpec } from "../config/store-spec.js";
import type { StoreRef } from "./discover.js";

/**
 * Which part of a source to work on. Empty means everything. `perHost` (from migrator.cfg.lua's
 * `hosts` table) names the hosts and, for each, its stores; `hosts`/`stores` (from `--host`,
 * `--store`) narrow further.
 */
export interface Selection {
  hosts?: readonly string[];
  stores?: readonly StoreSpec[];
  perHost?: Readonly<Record<string, readonly StoreSpec[]>>;
}

/** True when a store named by `spec` covers `ref`. */
function specCovers(spec: StoreSpec, ref: StoreRef): boolean {
  switch (spec.type) {
    case undefined:
      return spec.store === ref.store;
    case "pubsub":
      // prosody-migrator's "pep-pubsub": the node list and the archive of every node it names.
      return ref.type === "keyval" ? ref.store === spec.store : ref.store.startsWith(pubsubPrefix(spec.store));
    default:
      return spec.type === ref.type && spec.store === ref.store;
  }
}

/** The stores of `all` that the selection keeps, in their order. */
export function selectStores(all: readonly StoreRef[], selection: Selection = {}): StoreRef[] {
  const { hosts, stores, perHost } = selection;
  return all.filter((ref) => {
    if (hosts && hosts.length > 0 && !hosts.includes(ref.host)) return false;
    if (stores && stores.length > 0 && !stores.some((spec) => specCovers(spec, ref))) return false;
    if (perHost) {
      const specs = Object.hasOwn(perHost, ref.host) ? perHost[ref.host] : undefined;
      if (!specs || !specs.some((spec) => specCovers(spec, ref))) return false;
    }
    return true;
  });
}
