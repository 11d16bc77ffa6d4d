import { ConfigError } from "../config/errors.js";
import type { DataSource } from "./data-source.js";
import { parseExpiry } from "../util/period.js";

/** How long items of one archive store are kept on one host, and why. */
export interface Retention {
  /** Seconds, or "never" (nothing is pruned). */
  keep: number | "never";
  /** Where the period comes from, for the summary: `--older-than`, `archive_expires_after`, … */
  from: string;
}

/** The archive stores whose expiry a Prosody configuration sets, with the module that applies it. */
const CONFIGURED: Record<string, { option: string; module: string }> = {
  archive: { option: "archive_expires_after", module: "mam" },
  muc_log: { option: "muc_log_expires_after", module: "muc_mam" },
};

/** mod_mam's and mod_muc_mam's default period. */
const MODULE_DEFAULT = "1w";

/** Reads a period in Prosody's syntax (`never`, seconds, or a number with d, w, m or y); a bad one is a usage problem. */
export function parsePeriod(text: unknown, what: string): number | "never" {
  try {
    return parseExpiry(text, what);
  } catch (error) {
    throw new ConfigError((error as Error).message, { cause: error });
  }
}

/** Without --older-than, only a Prosody configuration says how long, and only for the stores it expires. */
export function checkConfigured(source: DataSource, stores: readonly string[]): void {
  if (!source.modules) throw new ConfigError(`${source.label} is not a Prosody configuration: give --older-than`);
  const other = stores.find((store) => !Object.hasOwn(CONFIGURED, store));
  if (other !== undefined) throw new ConfigError(`Prosody expires no items of ${other} by itself: give --older-than`);
}

/**
 * How long `store` keeps items on `host`: `olderThan` when given; otherwise what the host's
 * Prosody configuration says (`archive_expires_after` where mod_mam runs, `muc_log_expires_after`
 * where mod_muc_mam does, "1w" when unset). `undefined` when the configuration expires nothing
 * there (the module is not loaded). Without `olderThan`, a store Prosody does not expire, or a
 * source that is not a Prosody configuration, is a usage problem.
 */
export function retentionOf(source: DataSource, host: string, store: string, olderThan: number | "never" | undefined): Retention | undefined {
  if (olderThan !== undefined) return { keep: olderThan, from: "--older-than" };
  checkConfigured(source, [store]);
  const configured = CONFIGURED[store]!;
  if (!source.modules!.get(host)?.has(configured.module)) return undefined;
  const value = source.manager.config.forHost(host)[configured.option];
  return { keep: parsePeriod(value ?? MODULE_DEFAULT, `${host}: ${configured.option}`), from: value === undefined ? `mod_${configured.module} default "${MODULE_DEFAULT}"` : configured.option };
}
