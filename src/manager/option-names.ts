import { storageError } from "../errors.js";

/**
 * Options the built-in backends, the manager and the typed stores read (Prosody's names). Any
 * other option is either a third-party backend's (`NAME_…` for a backend NAME in use passes
 * silently), a Prosody option with no meaning for storage (told to the logger as a warning), or
 * a mistyped one of these (an error: `datapath` would otherwise fall back to ./data unnoticed).
 */
export const KNOWN_OPTIONS: readonly string[] = [
  "data_path", "storage", "default_storage", "sql", "storage_archive_item_limit", "read_only", "file_owner",
  "internal_durable", "internal_index_cache_items",
  "prosody_version", "sqlite_tune", "default_user_role",
  "default_iteration_count", "password_hash", "authentication", "max_archive_query_results",
];

const squash = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");

/** Edit distance, stopping early: only "at most 2" matters. */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length];
}

/** The known option `name` is probably a misspelling of, if any. */
function meant(name: string): string | undefined {
  return KNOWN_OPTIONS.find((known) => squash(known) === squash(name) || (known.length >= 6 && distance(known, name) <= 2));
}

/**
 * Checks option names: a near miss of a known option is `invalid-input` naming both; another
 * unknown name, unless prefixed by a backend in use, is passed to `warn`.
 */
export function checkOptionNames(options: Record<string, unknown>, where: string, backends: ReadonlySet<string>, warn: (message: string) => void): void {
  for (const name of Object.keys(options)) {
    if (KNOWN_OPTIONS.includes(name) || [...backends].some((backend) => name.startsWith(`${backend}_`))) continue;
    const known = meant(name);
    if (known !== undefined) {
      throw storageError("invalid-input", `${where}${name} is not an option: did you mean ${known}?`, { object: "invalid configuration" });
    }
    warn(`[manager] option ${where}${name} is not read by xmppstore's storage (only a plugin backend could use it)`);
  }
}
