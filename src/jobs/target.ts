import type { Element } from "ltx";
import { holdsStore, type Backend, type NotCarried } from "../contracts/index.js";
import { isStorageError } from "../errors.js";
import { unguardedBackend, type CoreManager } from "../manager/manager.js";
import type { ArchiveItem, User } from "../contracts/index.js";
import type { Value } from "../values/index.js";
import { archiveIds } from "./archive-pages.js";
import type { StoreRef } from "./discover.js";

/**
 * The bulk write path a backend may offer the migrator (the `sql` backend does): many archive
 * items or keyval records in one transaction. Items whose key the archive holds replace them.
 */
export interface BulkWriter {
  bulkAppend(items: ReadonlyArray<{ host?: string; user: string | null; store: string; key?: string | null; value: Element; when?: number; with?: string }>): Promise<string[]>;
  bulkSet(rows: ReadonlyArray<{ host?: string; user: string | null; store: string; data: Value | undefined }>): Promise<void>;
}

function isBulkWriter(backend: Backend): backend is Backend & BulkWriter {
  const candidate = backend as Partial<BulkWriter>;
  return typeof candidate.bulkAppend === "function" && typeof candidate.bulkSet === "function";
}

/** Told about a (store, user) whose data could not be written; may throw to stop the run. */
export type FailureHandler = (ref: StoreRef, user: User, error: unknown) => void;

/** Keyval records buffered before one bulk transaction writes them. */
const KEYVAL_BATCH = 500;

/**
 * Writes migrated data into the target: through the bulk path where the backend has one
 * (keyval records batched across users, an archive page per transaction), else through the
 * store API. Either way keyval data replaces the target's and archive items replace those with
 * the same id, so a second run changes nothing.
 */
export class TargetWriter {
  readonly #manager: CoreManager;
  readonly #onFailure: FailureHandler;
  readonly #bulk = new Map<string, Promise<BulkWriter | undefined>>();
  #pendingKeyVal: Array<{ ref: StoreRef; user: User; data: Value; writer: BulkWriter }> = [];
  /** What the target cannot hold (a format with fewer places than Prosody's stores). */
  readonly notCarried: NotCarried[] = [];
  readonly #backends = new Set<Backend>();
  /** Ids the target already held for the archive being copied through the store API (re-runs). */
  #existing: { key: string; ids: Set<string> } | undefined;

  constructor(manager: CoreManager, onFailure: FailureHandler) {
    this.#manager = manager;
    this.#onFailure = onFailure;
  }

  #bulkFor(ref: StoreRef): Promise<BulkWriter | undefined> {
    const key = `${ref.host}\0${ref.store}`;
    let found = this.#bulk.get(key);
    if (!found) {
      found = unguardedBackend(this.#manager, ref.host, ref.store).then(({ backend }) => (isBulkWriter(backend) ? backend : undefined));
      this.#bulk.set(key, found);
    }
    return found;
  }

  /**
   * Whether the target has a place for this store and user; if not, says so in
   * {@link notCarried} (`count` items of it) and the caller skips it.
   */
  async #holds(ref: StoreRef, user: User, count: number): Promise<boolean> {
    const { name, backend } = await unguardedBackend(this.#manager, ref.host, ref.store);
    this.#backends.add(backend);
    const caps = backend.caps;
    const why = !holdsStore(caps, ref.store, ref.type) ? `${name} holds no ${ref.type} store ${ref.store}` : user === null && caps?.holds?.hostWide === false ? `${name} holds no host-wide data` : undefined;
    if (why) this.notCarried.push({ host: ref.host, store: ref.store, user, what: `${count === 1 && ref.type === "keyval" ? "the record" : `${count} item(s)`}: ${why}` });
    return why === undefined;
  }

  /** Gathers what the target's backends noted they could not hold. */
  collectNotCarried(): void {
    for (const backend of this.#backends) this.notCarried.push(...(backend.takeNotCarried?.() ?? []));
  }

  /** Replaces a user's keyval data; may be buffered until {@link flush}. False when the target has no place for it. */
  async keyval(ref: StoreRef, user: User, data: Value): Promise<boolean> {
    if (!(await this.#holds(ref, user, 1))) return false;
    const bulk = await this.#bulkFor(ref);
    if (!bulk) {
      await (await this.#manager.open(ref.host, ref.store)).set(user, data);
      return true;
    }
    this.#pendingKeyVal.push({ ref, user, data, writer: bulk });
    if (this.#pendingKeyVal.length >= KEYVAL_BATCH) await this.flush();
    return true;
  }

  /** Appends one page of a user's archive, in order; returns how many items the target took. */
  async archivePage(ref: StoreRef, user: User, page: readonly ArchiveItem[]): Promise<number> {
    if (!(await this.#holds(ref, user, page.length))) return 0;
    const bulk = await this.#bulkFor(ref);
    if (bulk) {
      await bulk.bulkAppend(page.map((item) => ({
        host: ref.host, user, store: ref.store, key: item.id, value: item.value, when: item.when,
        ...(item.with === "" ? {} : { with: item.with }),
      })));
      return page.length;
    }
    const store = await this.#manager.open(ref.host, ref.store, "archive");
    const key = `${ref.host}\0${ref.store}\0${user ?? ""}`;
    if (this.#existing?.key !== key) this.#existing = { key, ids: await archiveIds(store, user) };
    const { ids } = this.#existing;
    if (ids.size > 0) {
      // Appending with an id the archive holds replaces that item and moves it to the end;
      // removing them first does the same with one rewrite per page instead of one per item.
      const clashing = page.filter((item) => ids.has(item.id)).map((item) => item.id);
      if (clashing.length > 0) await store.delete(user, { ids: clashing });
    }
    let taken = 0;
    for (const item of page) {
      try {
        await store.append(user, item.id, item.value, item.when, item.with === "" ? undefined : item.with);
        taken++;
      } catch (error) {
        // A format that cannot hold this item says so; the rest of the archive goes on.
        if (!isStorageError(error, "unsupported-datatype")) throw error;
        this.notCarried.push({ host: ref.host, store: ref.store, user, what: `item ${item.id}: ${error.message}` });
      }
    }
    return taken;
  }

  /** Writes buffered keyval records; a failing batch is retried record by record to name the culprits. */
  async flush(): Promise<void> {
    const pending = this.#pendingKeyVal;
    this.#pendingKeyVal = [];
    const byWriter = new Map<BulkWriter, typeof pending>();
    for (const entry of pending) byWriter.set(entry.writer, [...(byWriter.get(entry.writer) ?? []), entry]);
    for (const [writer, entries] of byWriter) {
      const rows = entries.map(({ ref, user, data }) => ({ host: ref.host, user, store: ref.store, data }));
      try {
        await writer.bulkSet(rows);
      } catch {
        for (const [i, entry] of entries.entries()) {
          try {
            await writer.bulkSet([rows[i]]);
          } catch (error) {
            this.#onFailure(entry.ref, entry.user, error);
          }
        }
      }
    }
  }
}
