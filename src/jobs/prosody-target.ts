import type { ProsodyVersion } from "../contracts/index.js";
import { prosodyVersionOf } from "../contracts/prosody-version.js";
import { unguardedBackend } from "../manager/manager.js";
import type { DataSource } from "./data-source.js";

/**
 * Which Prosody a migration target serves for `store` on `host`, by the rule every backend
 * follows (README, "Prosody 0.12 or 13"): an SQL database's schema decides (13's
 * `prosody_unique_index`, 0.12's `prosody_index`); elsewhere the host's `prosody_version`
 * option; else 0.12.
 */
export async function prosodyVersionOfTarget(target: DataSource, host: string, store: string): Promise<ProsodyVersion> {
  const { backend } = await unguardedBackend(target.manager, host, store);
  const schema = (backend as { schemaVersion?: ProsodyVersion }).schemaVersion;
  return schema ?? prosodyVersionOf(target.manager.config.forHost(host)) ?? "0.12";
}
