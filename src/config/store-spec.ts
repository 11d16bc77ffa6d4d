import { ConfigError } from "./errors.js";

/**
 * A store named for migration or dumping. `type` undefined means every type found under that
 * name. `pubsub` is prosody-migrator's: the keyval store plus the archives named after it
 * (`pep` → `pep_<node>`, `pubsub_nodes` → `pubsub_<node>`).
 */
export interface StoreSpec {
  store: string;
  type?: "keyval" | "archive" | "pubsub";
}

const TYPES: Record<string, StoreSpec["type"]> = { keyval: "keyval", map: "keyval", archive: "archive", pubsub: "pubsub" };

/**
 * Parses `NAME`, or `NAME<sep>TYPE` (`roster:keyval` on the command line, `archive-archive` in
 * migrator.cfg.lua). With `-`, as in prosody-migrator, only a known type after the last `-` counts.
 */
export function parseStoreSpec(text: string, separator: ":" | "-", where: string): StoreSpec {
  const at = text.lastIndexOf(separator);
  const suffix = at > 0 ? text.slice(at + 1) : undefined;
  if (suffix !== undefined && (separator === ":" || /^[A-Za-z0-9]+$/.test(suffix))) {
    const type = TYPES[suffix];
    if (!type) throw new ConfigError(`${where}: unknown store type ${JSON.stringify(suffix)} in ${JSON.stringify(text)} (keyval, map, archive or pubsub)`);
    return { store: text.slice(0, at), type };
  }
  if (text === "") throw new ConfigError(`${where}: empty store name`);
  return { store: text };
}

/** The archive name prefix a `pubsub` spec covers: `pubsub_` for `pubsub_nodes`, else `<store>_`. */
export function pubsubPrefix(store: string): string {
  return store === "pubsub_nodes" ? "pubsub_" : `${store}_`;
}
