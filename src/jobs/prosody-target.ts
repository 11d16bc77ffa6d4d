import type { DataSource } from "./data-source.js";
import { discoverStores } from "./discover.js";

/** The Prosody versions whose forms a migration can aim at. */
export type ProsodyVersionName = "0.12" | "13";

export const PROSODY_VERSION_NAMES: readonly ProsodyVersionName[] = ["0.12", "13"];

/** Stores only Prosody 13 writes: their presence in a deployment's data says it is 13's. */
const PROSODY_13_STORES = new Set(["account_roles", "account_flags", "account_activity", "accounts_cleanup"]);

/**
 * Which Prosody a migration target on `host` serves: the host's `prosody_version` option when
 * set, else "13" when the target already holds a store only 13 writes, else "0.12" (what every
 * deployment without such data can be read by).
 */
export async function prosodyVersionOfTarget(target: DataSource, host: string): Promise<ProsodyVersionName> {
  const configured = target.manager.config.forHost(host).prosody_version;
  if (configured === "0.12" || configured === "13") return configured;
  const refs = await discoverStores(target);
  return refs.some((ref) => ref.host === host && PROSODY_13_STORES.has(ref.store)) ? "13" : "0.12";
}
