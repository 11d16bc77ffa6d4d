import { discoverStores } from "./discover.js";
import type { DataSource } from "./data-source.js";
import type { MigrationProgress } from "./migrate.js";
import { compareText } from "./order.js";
import { usersOf } from "./users.js";
import type { ArchiveStore, User } from "../contracts/index.js";
import { checkConfigured, retentionOf, type Retention } from "./retention.js";

/** Stores pruned when none are named: the two whose expiry Prosody's configuration sets. */
export const DEFAULT_PRUNE_STORES = ["archive", "muc_log"];

/** Items deleted per statement when no rate is given. */
export const PRUNE_BATCH = 1000;

export interface PruneOptions {
  /** Seconds (or "never"); default: each host's configuration. */
  olderThan?: number | "never";
  /** Store names; `pubsub` stands for every `pubsub_*` archive and `pep` for every `pep_*` one. */
  stores?: readonly string[];
  hosts?: readonly string[];
  /** Deletions per second at most. */
  rate?: number;
  dryRun?: boolean;
  /** Clock in Unix seconds (tests pass their own). */
  now?: number;
  progress?: Pick<MigrationProgress, "planned" | "moved">;
  /** Waits (tests pass their own). */
  sleep?: (ms: number) => Promise<void>;
}

export interface PrunedStore {
  store: string;
  /** Items older than this (Unix seconds) were deleted. */
  before: number;
  keep: number;
  keepFrom: string;
  users: number;
  /** Items deleted (with --dry-run: that would be). */
  items: number;
}

export interface PruneReport {
  dryRun: boolean;
  hosts: Array<{ host: string; stores: PrunedStore[]; items: number }>;
  /** Stores left alone, and why (a module not loaded, "never"). */
  skipped: Array<{ host: string; store: string; why: string }>;
  items: number;
}

function covers(name: string, store: string): boolean {
  if (name === "pubsub" || name === "pep") return store.startsWith(`${name}_`);
  return name === store;
}

/** Items of `user` at or before `end`, counted with the backend's total where it has one. */
async function countOlder(archive: ArchiveStore, user: User, end: number): Promise<number> {
  const result = await archive.find(user, { end, limit: 0, total: true });
  if (result.total !== undefined) return result.total;
  let n = 0;
  for await (const _ of await archive.find(user, { end })) n++;
  return n;
}

interface Plan {
  host: string;
  store: string;
  retention: Retention & { keep: number };
  before: number;
  users: Array<{ user: User; items: number }>;
}

/**
 * Deletes archive items older than a period, per host and store, in batches of at most
 * `rate` (or {@link PRUNE_BATCH}) items, waiting between batches so that no more than `rate`
 * items go per second. Counts first (that is all `dryRun` does), so progress knows the total.
 */
export async function prune(source: DataSource, options: PruneOptions = {}): Promise<PruneReport> {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const names = options.stores && options.stores.length > 0 ? options.stores : DEFAULT_PRUNE_STORES;
  const report: PruneReport = { dryRun: options.dryRun === true, hosts: [], skipped: [], items: 0 };
  if (options.olderThan === undefined) checkConfigured(source, names);
  const plans: Plan[] = [];
  for (const ref of await discoverStores(source)) {
    if (ref.type !== "archive" || !names.some((name) => covers(name, ref.store))) continue;
    if (options.hosts && options.hosts.length > 0 && !options.hosts.includes(ref.host)) continue;
    const retention = retentionOf(source, ref.host, ref.store, options.olderThan);
    if (!retention || retention.keep === "never") {
      const why = retention ? `${retention.from} is "never"` : "its expiring module is not enabled on this host";
      report.skipped.push({ host: ref.host, store: ref.store, why });
      continue;
    }
    const before = now - retention.keep;
    const archive = await source.manager.open(ref.host, ref.store, "archive");
    const users = [];
    for (const user of await usersOf(source.manager, ref)) {
      const items = await countOlder(archive, user, before);
      if (items > 0) users.push({ user, items });
    }
    plans.push({ host: ref.host, store: ref.store, retention: retention as Plan["retention"], before, users });
  }
  if (!options.dryRun) options.progress?.planned?.({ units: plans.reduce((n, p) => n + p.users.length, 0), items: plans.reduce((n, p) => n + p.users.reduce((m, u) => m + u.items, 0), 0) });

  const batch = options.rate ? Math.max(1, Math.min(PRUNE_BATCH, Math.floor(options.rate))) : PRUNE_BATCH;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const started = performance.now();
  let deletedSoFar = 0;
  const pace = async (n: number) => {
    deletedSoFar += n;
    options.progress?.moved?.(n);
    if (!options.rate) return;
    const due = (deletedSoFar / options.rate) * 1000 - (performance.now() - started);
    if (due > 0) await sleep(due);
  };

  for (const plan of plans) {
    let hostReport = report.hosts.find((h) => h.host === plan.host);
    if (!hostReport) report.hosts.push((hostReport = { host: plan.host, stores: [], items: 0 }));
    const archive = await source.manager.open(plan.host, plan.store, "archive");
    let items = 0;
    for (const { user, items: counted } of plan.users) {
      items += options.dryRun ? counted : await deleteOlder(archive, user, plan.before, batch, pace);
    }
    hostReport.stores.push({ store: plan.store, before: plan.before, keep: plan.retention.keep, keepFrom: plan.retention.from, users: plan.users.length, items });
    hostReport.items += items;
    report.items += items;
  }
  report.hosts.sort((a, b) => compareText(a.host, b.host));
  return report;
}

/**
 * Deletes `user`'s items at or before `end`, a batch at a time: the oldest `batch` such items
 * are looked up, and everything up to the last one's time goes in one statement (a little more
 * than a batch when several share that second, all of them old enough anyway).
 */
async function deleteOlder(archive: ArchiveStore, user: User, end: number, batch: number, pace: (n: number) => Promise<void>): Promise<number> {
  let deleted = 0;
  for (;;) {
    let last: number | undefined;
    let found = 0;
    for await (const item of await archive.find(user, { end, limit: batch })) {
      last = item.when;
      found++;
    }
    if (last === undefined) return deleted;
    const removed = await archive.delete(user, { end: Math.min(last, end) });
    // A backend that only answers `true` (a plugin) is counted by what the batch found.
    const n = typeof removed === "number" ? removed : found;
    deleted += n;
    await pace(n);
    if (n === 0) return deleted;
  }
}
