import type { ProsodyVersion } from "./options.js";

/**
 * The `prosody_version` option of a host's options (validated when the manager was made), or
 * undefined when the configuration leaves it to the data. See README, "Prosody 0.12 or 13".
 */
export function prosodyVersionOf(options: { prosody_version?: unknown }): ProsodyVersion | undefined {
  const version = options.prosody_version;
  return version === "0.12" || version === "13" ? version : undefined;
}
