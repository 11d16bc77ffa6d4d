const DAY = 86400;
const UNITS: Record<string, number> = { "": 1, d: DAY, w: 7 * DAY, m: 31 * DAY, y: 365.2425 * DAY };

/**
 * Reads a period the way mod_mam reads `archive_expires_after` (and mod_muc_mam
 * `muc_log_expires_after`): `"never"`, a number of seconds, or a string such as `"1w"`,
 * `"30d"`, `"2m"`, `"1y"` (m = 31 days, y = 365.2425 days). Used by the archives' own expiry
 * and by `xmppstore prune`. Throws a plain Error naming `option`; callers wrap it.
 */
export function parseExpiry(value: unknown, option: string): number | "never" {
  if (value === "never") return "never";
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value;
  const match = typeof value === "string" ? /^(\d+)\s*([dwmy]?)$/.exec(value.trim().toLowerCase()) : null;
  if (!match) throw new Error(`${option} must be "never", seconds, or a period like "1w", got ${JSON.stringify(value)}`);
  return Number(match[1]) * UNITS[match[2]!]!;
}
