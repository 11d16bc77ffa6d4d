import type { ProsodyVersion } from "./options.js";

/** Every Prosody version whose data forms xmppstore writes, oldest first: the values `prosody_version` and `--target-version` accept. */
export const PROSODY_VERSIONS: readonly ProsodyVersion[] = Object.freeze(["0.12", "13"] as const);

export function isProsodyVersion(value: unknown): value is ProsodyVersion {
  return (PROSODY_VERSIONS as readonly unknown[]).includes(value);
}

/**
 * The `prosody_version` option of a host's options (validated when the manager was made), or
 * undefined when the configuration leaves it to the data. See README, "Prosody 0.12 or 13".
 */
export function prosodyVersionOf(options: { prosody_version?: unknown }): ProsodyVersion | undefined {
  const version = options.prosody_version;
  return isProsodyVersion(version) ? version : undefined;
}
