/**
 * Typed operations for the real-Prosody harness (see prosody.ts for the overview).
 * `prosodyOps` builds raw operations (for `runProsody` and for benchmark loops);
 * `ProsodyBatch` queues typed operations, runs them in one lua5.4 process and resolves each
 * operation's promise with its result converted to xmppstore's value model.
 */
import type { Element } from "ltx";
import { decodeDumpValue, encodeDumpValue } from "../../src/format/dump/value.js";
import type { Value } from "../../src/values/index.js";
import { runProsody, type ProsodyOp, type ProsodyOpResult, type ProsodyResponse, type ProsodySetup } from "./prosody.js";
import type { ArchiveDeleteQuery } from "../../src/contracts/index.js";

/** A user as Prosody's storage API takes it: a name, or null for host-wide data (Lua nil). */
export type ProsodyUser = string | null;

/** Prosody's archive query: the same fields as ours (all optional, as in Prosody 0.12). */
export type ProsodyQuery = ArchiveDeleteQuery;

/** An archive item as Prosody's find() yields it; `with` is undefined where Prosody has nil. */
export interface ProsodyArchiveItem {
  id: string;
  value: Value;
  when: number;
  with?: string;
}

export interface ProsodyFindResult {
  items: ProsodyArchiveItem[];
  total?: number;
}

export interface ProsodySummary {
  counts: Record<string, number>;
  earliest: Record<string, number>;
  latest: Record<string, number>;
  body?: Record<string, string>;
}

/** An operation that Prosody answered with an error (`nil, err`, an error object or a Lua error). */
export class ProsodyOpError extends Error {
  constructor(readonly op: ProsodyOp, readonly index: number, readonly condition: string | undefined, readonly detail: string, readonly log: string[]) {
    super(`Prosody ${op.op} #${index} (${describe(op)}) failed: ${detail}${log.length ? `\nProsody log:\n${log.join("\n")}` : ""}`);
    this.name = "ProsodyOpError";
  }
}

function describe(op: ProsodyOp): string {
  return ["host", "store", "user", "key", "id"]
    .filter((f) => op[f] !== undefined)
    .map((f) => `${f}=${JSON.stringify(op[f])}`)
    .join(" ");
}

/** Builders of raw operations; stored values are encoded in the dump VALUE encoding here. */
export const prosodyOps = {
  keyvalGet: (host: string, store: string, user: ProsodyUser): ProsodyOp => ({ op: "keyval.get", host, store, user }),
  /** `undefined` deletes (Lua nil). */
  keyvalSet: (host: string, store: string, user: ProsodyUser, value: Value | undefined): ProsodyOp => ({
    op: "keyval.set", host, store, user, value: value === undefined ? null : encodeDumpValue(value),
  }),
  keyvalUsers: (host: string, store: string): ProsodyOp => ({ op: "keyval.users", host, store }),
  mapGet: (host: string, store: string, user: ProsodyUser, key: string): ProsodyOp => ({ op: "map.get", host, store, user, key }),
  mapSet: (host: string, store: string, user: ProsodyUser, key: string, value: Value | undefined): ProsodyOp => ({
    op: "map.set", host, store, user, key, value: value === undefined ? null : encodeDumpValue(value),
  }),
  /** Prosody's set_keys; keys in `remove` get `store.remove`. */
  mapSetKeys: (host: string, store: string, user: ProsodyUser, values: Record<string, Value>, remove: string[] = []): ProsodyOp => ({
    op: "map.set_keys", host, store, user, remove,
    values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, encodeDumpValue(v)])),
  }),
  mapGetAll: (host: string, store: string, key: string): ProsodyOp => ({ op: "map.get_all", host, store, key }),
  mapDeleteAll: (host: string, store: string, key: string): ProsodyOp => ({ op: "map.delete_all", host, store, key }),
  archiveAppend: (host: string, store: string, user: ProsodyUser, item: { key?: string | null; value: Element | Value; when?: number; with?: string }): ProsodyOp => ({
    op: "archive.append", host, store, user, key: item.key ?? null, value: encodeDumpValue(item.value), when: item.when, with: item.with,
  }),
  archiveFind: (host: string, store: string, user: ProsodyUser, query?: ProsodyQuery): ProsodyOp => ({ op: "archive.find", host, store, user, query }),
  archiveGet: (host: string, store: string, user: ProsodyUser, id: string): ProsodyOp => ({ op: "archive.get", host, store, user, id }),
  archiveSet: (host: string, store: string, user: ProsodyUser, id: string, item: { value: Element | Value; when?: number; with?: string }): ProsodyOp => ({
    op: "archive.set", host, store, user, id, value: encodeDumpValue(item.value), when: item.when, with: item.with,
  }),
  archiveDelete: (host: string, store: string, user: ProsodyUser, query?: ProsodyQuery): ProsodyOp => ({ op: "archive.delete", host, store, user, query }),
  archiveSummary: (host: string, store: string, user: ProsodyUser, query?: ProsodyQuery): ProsodyOp => ({ op: "archive.summary", host, store, user, query }),
  archiveUsers: (host: string, store: string): ProsodyOp => ({ op: "archive.users", host, store }),
  archiveCaps: (host: string, store: string): ProsodyOp => ({ op: "archive.caps", host, store }),
  /** Which backend Prosody resolved for the store: "internal", "sql", … */
  driver: (host: string, store?: string): ProsodyOp => ({ op: "driver", host, store }),
  /**
   * driver:stores(user), Prosody 0.12's only discovery: `true` lists stores of any user; `store`
   * picks the driver (default: the host's default). Internal lists keyval stores only (for a
   * user: those with a `.dat` file; for `true`: every store directory); SQL lists keyval rows.
   */
  stores: (host: string, user: ProsodyUser | true, options: { store?: string } = {}): ProsodyOp => ({
    op: "stores", host, user, store: options.store,
  }),
  /** storagemanager.purge(user, host). */
  purge: (host: string, user: string): ProsodyOp => ({ op: "purge", host, user }),
  /**
   * Runs `body` n times inside Lua, timed there. `vary` changes body fields per iteration i
   * (1..n): a string is a string.format pattern (`"user%d"`), a number a base that i is added to.
   * With `cycle`, i goes 1..cycle over and over.
   */
  bench: (n: number, body: ProsodyOp, vary: Record<string, string | number> = {}, cycle?: number): ProsodyOp => ({ op: "bench", n, body, vary, cycle }),
};

const decode = (json: unknown): Value | undefined => (json === undefined ? undefined : decodeDumpValue(json, "prosody"));

function decodeItem(raw: Record<string, unknown>): ProsodyArchiveItem {
  const item: ProsodyArchiveItem = { id: raw.id as string, value: decode(raw.value)!, when: raw.when as number };
  if (raw.with !== undefined) item.with = raw.with as string;
  return item;
}

function list(raw: unknown): string[] {
  return Array.isArray(raw) ? (raw as string[]) : [];
}

interface Queued {
  op: ProsodyOp;
  convert: (result: ProsodyOpResult) => unknown;
  /** Conditions that are answers, not failures (archive get/set of a missing id). */
  notFound?: () => unknown;
  /** Resolve with the raw result even when the operation failed. */
  raw: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Operations queued against one setup and run together in one lua5.4 process by {@link run}.
 * Each method returns a promise of that operation's result, settled by `run()`.
 */
export class ProsodyBatch {
  #queue: Queued[] = [];

  constructor(readonly setup: ProsodySetup) {}

  /** Queues a raw operation; its promise resolves with the raw result, failed or not. */
  raw(op: ProsodyOp): Promise<ProsodyOpResult> {
    return this.#add(op, (r) => r, undefined, true);
  }

  keyvalGet(host: string, store: string, user: ProsodyUser): Promise<Value | undefined> {
    return this.#add(prosodyOps.keyvalGet(host, store, user), (r) => decode(r.value));
  }
  keyvalSet(host: string, store: string, user: ProsodyUser, value: Value | undefined): Promise<void> {
    return this.#add(prosodyOps.keyvalSet(host, store, user, value), () => undefined);
  }
  keyvalUsers(host: string, store: string): Promise<string[]> {
    return this.#add(prosodyOps.keyvalUsers(host, store), (r) => list(r.users));
  }
  mapGet(host: string, store: string, user: ProsodyUser, key: string): Promise<Value | undefined> {
    return this.#add(prosodyOps.mapGet(host, store, user, key), (r) => decode(r.value));
  }
  mapSet(host: string, store: string, user: ProsodyUser, key: string, value: Value | undefined): Promise<void> {
    return this.#add(prosodyOps.mapSet(host, store, user, key, value), () => undefined);
  }
  mapSetKeys(host: string, store: string, user: ProsodyUser, values: Record<string, Value>, remove: string[] = []): Promise<void> {
    return this.#add(prosodyOps.mapSetKeys(host, store, user, values, remove), () => undefined);
  }
  mapGetAll(host: string, store: string, key: string): Promise<Record<string, Value> | undefined> {
    return this.#add(prosodyOps.mapGetAll(host, store, key), (r) => decode(r.value) as Record<string, Value> | undefined);
  }
  mapDeleteAll(host: string, store: string, key: string): Promise<void> {
    return this.#add(prosodyOps.mapDeleteAll(host, store, key), () => undefined);
  }
  /** Resolves with the item id Prosody used (its own when `key` is absent). */
  archiveAppend(host: string, store: string, user: ProsodyUser, item: { key?: string | null; value: Element | Value; when?: number; with?: string }): Promise<string> {
    return this.#add(prosodyOps.archiveAppend(host, store, user, item), (r) => r.id as string);
  }
  archiveFind(host: string, store: string, user: ProsodyUser, query?: ProsodyQuery): Promise<ProsodyFindResult> {
    return this.#add(prosodyOps.archiveFind(host, store, user, query), (r) => {
      const found: ProsodyFindResult = { items: (r.items as Array<Record<string, unknown>>).map(decodeItem) };
      if (typeof r.total === "number") found.total = r.total;
      return found;
    });
  }
  /** Undefined when Prosody says item-not-found. */
  archiveGet(host: string, store: string, user: ProsodyUser, id: string): Promise<Omit<ProsodyArchiveItem, "id"> | undefined> {
    return this.#add(
      prosodyOps.archiveGet(host, store, user, id),
      (r) => (r.value === undefined ? undefined : (({ id: _, ...rest }) => rest)(decodeItem({ ...r, id }))),
      () => undefined,
    );
  }
  /** False when the id does not exist (internal says item-not-found, sql returns false). */
  archiveSet(host: string, store: string, user: ProsodyUser, id: string, item: { value: Element | Value; when?: number; with?: string }): Promise<boolean> {
    return this.#add(prosodyOps.archiveSet(host, store, user, id, item), (r) => r.result === true, () => false);
  }
  /** The number of items deleted, or true where Prosody does not count. */
  archiveDelete(host: string, store: string, user: ProsodyUser, query?: ProsodyQuery): Promise<number | true> {
    return this.#add(prosodyOps.archiveDelete(host, store, user, query), (r) => r.deleted as number | true);
  }
  archiveSummary(host: string, store: string, user: ProsodyUser, query?: ProsodyQuery): Promise<ProsodySummary> {
    return this.#add(prosodyOps.archiveSummary(host, store, user, query), (r) => r.summary as ProsodySummary);
  }
  archiveUsers(host: string, store: string): Promise<string[]> {
    return this.#add(prosodyOps.archiveUsers(host, store), (r) => list(r.users));
  }
  archiveCaps(host: string, store: string): Promise<Record<string, unknown>> {
    return this.#add(prosodyOps.archiveCaps(host, store), (r) => r.caps as Record<string, unknown>);
  }
  driver(host: string, store?: string): Promise<string> {
    return this.#add(prosodyOps.driver(host, store), (r) => r.driver as string);
  }
  stores(host: string, user: ProsodyUser | true, options: { store?: string } = {}): Promise<string[]> {
    return this.#add(prosodyOps.stores(host, user, options), (r) => list(r.stores));
  }
  purge(host: string, user: string): Promise<void> {
    return this.#add(prosodyOps.purge(host, user), () => undefined);
  }
  /** Seconds Prosody took for n runs of `body`, measured inside Lua (see prosodyOps.bench). */
  bench(n: number, body: ProsodyOp, vary: Record<string, string | number> = {}, cycle?: number): Promise<{ seconds: number; n: number; items: number }> {
    return this.#add(prosodyOps.bench(n, body, vary, cycle), (r) => ({ seconds: r.seconds as number, n: r.n as number, items: r.items as number }));
  }

  /** Number of operations queued and not yet run. */
  get size(): number {
    return this.#queue.length;
  }

  /**
   * Runs the queued operations in order in one process and settles their promises. Rejects with
   * the first {@link ProsodyOpError} if any operation failed, unless `allowErrors` (then only the
   * failed operations' promises reject). Returns the raw response (results and Prosody's log).
   */
  async run(options: { allowErrors?: boolean } = {}): Promise<ProsodyResponse> {
    const queue = this.#queue;
    this.#queue = [];
    let response: ProsodyResponse;
    try {
      response = await runProsody({ data_path: this.setup.dataPath, hosts: this.setup.hosts, options: this.setup.options, ops: queue.map((q) => q.op) }, this.setup.version);
    } catch (error) {
      for (const q of queue) q.reject(error);
      throw error;
    }
    let firstError: ProsodyOpError | undefined;
    queue.forEach((q, i) => {
      const result = response.results[i];
      if (result && q.raw) {
        q.resolve(result);
      } else if (result?.ok) {
        try {
          q.resolve(q.convert(result));
        } catch (error) {
          q.reject(error);
          firstError ??= new ProsodyOpError(q.op, i, undefined, `cannot read the result: ${(error as Error).message}`, response.log);
        }
      } else if (result?.condition === "item-not-found" && q.notFound) {
        q.resolve(q.notFound());
      } else {
        const error = new ProsodyOpError(q.op, i, result?.condition, result?.error ?? "no result", response.log);
        q.reject(error);
        firstError ??= error;
      }
    });
    if (firstError && !options.allowErrors) throw firstError;
    return response;
  }

  #add<T>(op: ProsodyOp, convert: (result: ProsodyOpResult) => T, notFound?: () => T, raw = false): Promise<T> {
    let resolve!: (value: unknown) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res as (value: unknown) => void;
      reject = rej;
    });
    promise.catch(() => undefined); // failures surface through run(); awaiting the op still sees them
    this.#queue.push({ op, convert, notFound, raw, resolve, reject });
    return promise;
  }
}

/** Runs a few operations in one process: `await withProsody(setup, (p) => p.keyvalGet(h, s, u))`. */
export async function withProsody<T>(setup: ProsodySetup, queue: (batch: ProsodyBatch) => Promise<T>): Promise<T> {
  const batch = new ProsodyBatch(setup);
  const result = queue(batch);
  await batch.run();
  return result;
}

export const prosodyKeyvalGet = (setup: ProsodySetup, host: string, store: string, user: ProsodyUser) =>
  withProsody(setup, (p) => p.keyvalGet(host, store, user));
export const prosodyKeyvalSet = (setup: ProsodySetup, host: string, store: string, user: ProsodyUser, value: Value | undefined) =>
  withProsody(setup, (p) => p.keyvalSet(host, store, user, value));
export const prosodyArchiveAppend = (setup: ProsodySetup, host: string, store: string, user: ProsodyUser, item: { key?: string | null; value: Element | Value; when?: number; with?: string }) =>
  withProsody(setup, (p) => p.archiveAppend(host, store, user, item));
export const prosodyFind = (setup: ProsodySetup, host: string, store: string, user: ProsodyUser, query?: ProsodyQuery) =>
  withProsody(setup, (p) => p.archiveFind(host, store, user, query));
