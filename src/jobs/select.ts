import { pubsubPrefix, type StoreSpec } from "../config/store-spec.js";
import type { StoreRef } from "./discover.js";
import { ConfigError } from "../config/errors.js";

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

/**
 * Refuses a selection that names a host or store the source does not hold: an empty result
 * would look like success. The message lists what exists.
 */
export function requireMatches(all: readonly StoreRef[], selection: Selection = {}, label = "the source"): void {
  const hosts = [...new Set(all.map((ref) => ref.host))];
  const missingHosts = (selection.hosts ?? []).filter((host) => !hosts.includes(host));
  if (missingHosts.length > 0) {
    throw new ConfigError(`${label} holds no data for host ${missingHosts.map((h) => JSON.stringify(h)).join(", ")} (it has: ${hosts.join(", ") || "nothing"})`);
  }
  const inHosts = all.filter((ref) => !selection.hosts?.length || selection.hosts.includes(ref.host));
  const missingStores = (selection.stores ?? []).filter((spec) => !inHosts.some((ref) => specCovers(spec, ref)));
  if (missingStores.length > 0) {
    const stores = [...new Set(inHosts.map((ref) => `${ref.store}:${ref.type}`))].sort();
    const named = missingStores.map((spec) => JSON.stringify(spec.type ? `${spec.store}:${spec.type}` : spec.store)).join(", ");
    throw new ConfigError(`${label} holds no store ${named}${selection.hosts?.length ? ` on ${selection.hosts.join(", ")}` : ""} (it has: ${stores.join(", ") || "nothing"})`);
  }
}
