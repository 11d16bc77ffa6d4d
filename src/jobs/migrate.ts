import { StorageError, storageError } from "../errors.js";
import type { NotCarried, ProsodyVersion, User } from "../contracts/index.js";
import { openedBackends } from "../manager/manager.js";
import { archivePages } from "./archive-pages.js";
import { TargetWriter } from "./target.js";
import type { DataSource } from "./data-source.js";
import { discoverStores, type StoreRef } from "./discover.js";
import { requireMatches, selectStores, type Selection } from "./select.js";
import { usersOf } from "./users.js";
import { RolesMigration, type RolesReport } from "./roles-migration.js";

/** Something that could not be moved (with `keepGoing`), or the failure that stopped the run. */
export interface MigrationFailure {
  host: string;
  store: string;
  type: StoreRef["type"];
  /** `null` for host-wide data. */
  user: User;
  error: string;
}

/** What a migration did. */
export interface MigrationReport {
  from: string;
  to: string;
  hosts: number;
  /** Distinct users (per host) with data in the migrated stores. */
  users: number;
  /** Distinct (host, store, type) with data. */
  stores: number;
  /** Keyval records (one per user and store) plus archive items. */
  items: number;
  keyvalItems: number;
  archiveItems: number;
  failures: MigrationFailure[];
  /** Prosody 0.12 roles written as 13's `account_roles` (only when the target is 13 and had some). */
  roles?: RolesReport;
  /** What the source held and the target cannot (or what could not be read from the source's files), by store and user. */
  notCarried: NotCarried[];
  seconds: number;
}

/** Receives progress as a migration goes; every method is optional. */
export interface MigrationProgress {
  /** Work planned: `items` is keyval records plus archive items to move. */
  planned?(plan: { units: number; items: number }): void;
  /** Items moved since the last call. */
  moved?(count: number): void;
  /** One (store, user) finished. */
  unitDone?(ref: StoreRef, user: User): void;
  failed?(failure: MigrationFailure): void;
}

export interface MigrateOptions {
  from: DataSource;
  to: DataSource;
  selection?: Selection;
  /** Record failures and go on with the next user instead of stopping. Default false. */
  keepGoing?: boolean;
  progress?: MigrationProgress;
  /** Archive items read and written per page. */
  pageSize?: number;
  /**
   * The Prosody version the target serves; without it, what the target says (an SQL schema's
   * version, else the host's `prosody_version` option; see `prosodyVersionOfTarget`). For "13",
   * 0.12's `roles` records are also written as 13's `account_roles`.
   */
  targetVersion?: ProsodyVersion;
  /**
   * Stops the run at the next safe point (after the archive page or keyval record being
   * written, with everything buffered flushed): the migration then rejects with
   * {@link MigrationInterrupted}. Running it again finishes the work.
   */
  signal?: AbortSignal;
  /** Moves only this user's data (no host-wide data, no other user): a per-user export. */
  user?: string;
}

/** A migration stopped by its `signal`: what was moved until then is in the target. */
export class MigrationInterrupted extends StorageError {
  /** Items written before the stop. */
  readonly items: number;
  constructor(items: number, reason: unknown) {
    super("backend-failure", `[migrate] interrupted after ${items} items`, { cause: reason });
    this.name = "MigrationInterrupted";
    this.items = items;
  }
}

interface Unit {
  ref: StoreRef;
  user: User;
  items: number;
}

async function archiveSize(source: DataSource, ref: StoreRef, user: User): Promise<number> {
  const store = await source.manager.open(ref.host, ref.store, "archive");
  const result = await store.find(user, { limit: 0, total: true });
  return result.total ?? 0;
}

/**
 * Every (store, user) to move, with item counts for progress (archives are counted, not read).
 * A store whose users cannot be listed goes to `fail`; an archive that cannot be counted counts 0
 * here and fails again, with its own message, when it is copied.
 */
async function plan(source: DataSource, refs: StoreRef[], only: string | undefined, fail: (ref: StoreRef, user: User, error: unknown) => void): Promise<Unit[]> {
  const units: Unit[] = [];
  for (const ref of refs) {
    let users: User[];
    try {
      users = await usersOf(source.manager, ref);
    } catch (error) {
      fail(ref, null, error);
      continue;
    }
    for (const user of users) {
      if (only !== undefined && user !== only) continue;
      const items = ref.type === "keyval" ? 1 : await archiveSize(source, ref, user).catch(() => 0);
      units.push({ ref, user, items });
    }
  }
  return units;
}

/** What the source's backends could not read from their files (a damaged XEP-0227 item, say). */
async function sourceNotCarried(source: DataSource): Promise<NotCarried[]> {
  const found: NotCarried[] = [];
  for (const backend of await openedBackends(source.manager)) found.push(...(backend.takeNotCarried?.() ?? []).map((n) => ({ ...n, what: `not read from the source: ${n.what}` })));
  return found;
}

/**
 * Copies the selected hosts and stores from one source to another: keyval data (replacing the
 * target's), archives page by page in order with ids, times and `with`, host-wide data too.
 * Running it again gives the same target. Without `keepGoing` the first failure is thrown;
 * with it, failures are recorded in the report and the run goes on.
 */
export async function migrate(options: MigrateOptions): Promise<MigrationReport> {
  const started = performance.now();
  const { from, to, progress } = options;
  const report: MigrationReport = {
    from: from.label, to: to.label, hosts: 0, users: 0, stores: 0, items: 0, keyvalItems: 0, archiveItems: 0, failures: [], notCarried: [], seconds: 0,
  };
  const fail = (ref: StoreRef, user: User, error: unknown): void => {
    const who = user === null ? "host-wide data" : `user ${JSON.stringify(user)}`;
    const reason = error instanceof Error ? error.message : String(error);
    const condition = error instanceof StorageError ? error.condition : "backend-failure";
    const wrapped = storageError(condition, `${ref.host} ${ref.type} store ${ref.store}, ${who}: ${reason}`, { backend: "migrate", cause: error });
    if (!options.keepGoing) throw wrapped;
    const failure: MigrationFailure = { host: ref.host, store: ref.store, type: ref.type, user, error: wrapped.message };
    report.failures.push(failure);
    progress?.failed?.(failure);
  };
  const discovered = await discoverStores(from);
  requireMatches(discovered, options.selection, from.label);
  const refs = selectStores(discovered, options.selection);
  const units = await plan(from, refs, options.user, fail);
  progress?.planned?.({ units: units.length, items: units.reduce((n, u) => n + u.items, 0) });
  const hosts = new Set<string>();
  const users = new Set<string>();
  const stores = new Set<string>();
  const writer = new TargetWriter(to.manager, fail);
  const roles = new RolesMigration(options.targetVersion);
  const stopIfAsked = async (): Promise<void> => {
    // The internal and SQLite backends do their I/O synchronously: without a turn of the event
    // loop here, a signal (delivered as an event) would wait until the whole migration is done.
    if (options.signal) await new Promise((resolve) => setImmediate(resolve));
    if (!options.signal?.aborted) return;
    await writer.flush();
    throw new MigrationInterrupted(report.keyvalItems + report.archiveItems, options.signal.reason);
  };
  for (const { ref, user } of units) {
    await stopIfAsked();
    let moved = 0;
    try {
      if (ref.type === "keyval") {
        const value = await (await from.manager.open(ref.host, ref.store)).get(user);
        if (value !== undefined) roles.saw(ref, user, value);
        if (value !== undefined && (await writer.keyval(ref, user, value))) {
          moved = 1;
          report.keyvalItems++;
        }
        if (value !== undefined) progress?.moved?.(1);
      } else {
        const source = await from.manager.open(ref.host, ref.store, "archive");
        for await (const page of archivePages(source, user, options.pageSize)) {
          await stopIfAsked();
          const taken = await writer.archivePage(ref, user, page);
          moved += taken;
          report.archiveItems += taken;
          progress?.moved?.(page.length);
        }
      }
    } catch (error) {
      if (error instanceof MigrationInterrupted) throw error;
      fail(ref, user, error);
    }
    if (moved > 0) {
      hosts.add(ref.host);
      stores.add(`${ref.host}\0${ref.store}\0${ref.type}`);
      if (user !== null) users.add(`${ref.host}\0${user}`);
    }
    progress?.unitDone?.(ref, user);
  }
  await writer.flush();
  const converted = await roles.finish(from, to, writer, fail);
  await writer.flush();
  if (converted) report.roles = converted;
  writer.collectNotCarried();
  report.notCarried = [...(await sourceNotCarried(from)), ...writer.notCarried];
  report.hosts = hosts.size;
  report.users = users.size;
  report.stores = stores.size;
  report.items = report.keyvalItems + report.archiveItems;
  report.seconds = (performance.now() - started) / 1000;
  return report;
}
