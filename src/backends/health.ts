/**
 * What a health check of a backend's space found: damage (files that do not parse, torn
 * archive tails, rows of unknown type) and drift from what Prosody expects (its file layout,
 * its SQL schema). Shared by the backends' checkers and the `check` job.
 */
export interface HealthProblem {
  /** What kind of problem, e.g. `torn-tail`, `missing-index`, `duplicate-key`. */
  kind: string;
  /** The file (absolute path) or table (with its database) concerned. */
  where: string;
  /** What is wrong, in words. */
  detail: string;
  /** What `--repair` does or did about it, or why it cannot without loss. */
  repair: string;
  /** True once a repair fixed it. */
  fixed?: boolean;
}

export interface HealthOptions {
  /** Fix what can be fixed without loss, after keeping a copy of what changes. */
  repair: boolean;
  /** Names the backup (a directory or table suffix), e.g. `20261205T235400Z`. */
  stamp: string;
}

/** A UTC time as a compact stamp for backup names: `20261205T235400Z`. */
export function backupStamp(date = new Date()): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z");
}
