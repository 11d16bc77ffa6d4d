import { isDeepStrictEqual } from "node:util";
import { encodeDumpValue } from "../format/dump/index.js";
import { isEmptyTable } from "../values/index.js";
import type { User } from "../contracts/index.js";
import { archivePages, DEFAULT_PAGE_SIZE } from "./archive-pages.js";
import type { DataSource } from "./data-source.js";
import { discoverStores, type StoreRef } from "./discover.js";
import { dumpItem, type DumpOptions } from "./dump.js";
import { compareText } from "./order.js";
import { requireMatches, selectStores, type Selection } from "./select.js";
import { usersOf } from "./users.js";

/** Where a target's data differs from its source's, and how (both sides in the dump's encodings). */
export interface VerifyDifference {
  host: string;
  store: string;
  type: StoreRef["type"];
  /** `""` for host-wide data, as in the dump. */
  user: string;
  /** What differs: "only in the source", "only in the target", "value", "item N" (1-based). */
  what: string;
  from?: unknown;
  to?: unknown;
}

export interface VerifyReport {
  equal: boolean;
  /** (host, store, type) compared: the source's, within the selection. */
  stores: number;
  /** Keyval records and archive items compared until the end or the first difference. */
  items: number;
  difference?: VerifyDifference;
}

export interface VerifyOptions {
  selection?: Selection;
  pageSize?: number;
  /** Which (store, user) to compare (as dump's `include`): a target may hold only part. */
  include?: DumpOptions["include"];
}

/**
 * Compares what a migration copied: every store the source holds within the selection, user by
 * user and item by item, as the dump encodes them (so backends and writers do not matter). A
 * store the target holds beyond those is not compared; within a compared store a user only the
 * target has is a difference. Stops at the first difference, naming host, store and user.
 */
export async function verifySources(from: DataSource, to: DataSource, options: VerifyOptions = {}): Promise<VerifyReport> {
  const discovered = await discoverStores(from);
  requireMatches(discovered, options.selection, from.label);
  const refs = selectStores(discovered, options.selection);
  const report: VerifyReport = { equal: true, stores: refs.length, items: 0 };
  for (const ref of refs) {
    const difference = await compareStore(from, to, ref, report, options);
    if (difference) return { ...report, equal: false, difference };
  }
  return report;
}

function userOrder(a: User, b: User): number {
  if (a === b) return 0;
  return a === null ? -1 : b === null ? 1 : compareText(a, b);
}

async function compareStore(from: DataSource, to: DataSource, ref: StoreRef, report: VerifyReport, options: VerifyOptions): Promise<VerifyDifference | undefined> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const included = async (user: User) => !options.include || (await options.include(ref, user));
  const left: User[] = [];
  for (const user of await usersOf(from.manager, ref)) if (await included(user)) left.push(user);
  // Nothing of this store compared (a target with no place for it): its side is not read at all.
  if (left.length === 0 && options.include) return undefined;
  const right = await usersOf(to.manager, ref);
  const users = [...new Set([...left, ...right])].sort(userOrder);
  for (const user of users) {
    if (!(await included(user))) continue;
    const at = { host: ref.host, store: ref.store, type: ref.type, user: user ?? "" };
    const difference = ref.type === "keyval" ? await compareKeyVal(from, to, ref, user) : await compareArchive(from, to, ref, user, report, pageSize);
    if (difference) return { ...at, ...difference };
    if (ref.type === "keyval") report.items++;
  }
  return undefined;
}

type Found = Pick<VerifyDifference, "what" | "from" | "to">;

async function keyvalOf(source: DataSource, ref: StoreRef, user: User): Promise<unknown> {
  const value = await (await source.manager.open(ref.host, ref.store)).get(user);
  return value === undefined || isEmptyTable(value) ? undefined : encodeDumpValue(value);
}

async function compareKeyVal(from: DataSource, to: DataSource, ref: StoreRef, user: User): Promise<Found | undefined> {
  const [a, b] = [await keyvalOf(from, ref, user), await keyvalOf(to, ref, user)];
  if (isDeepStrictEqual(a, b)) return undefined;
  if (b === undefined) return { what: "only in the source", from: a };
  if (a === undefined) return { what: "only in the target", to: b };
  return { what: "value", from: a, to: b };
}

async function* itemsOf(source: DataSource, ref: StoreRef, user: User, pageSize: number): AsyncGenerator<ReturnType<typeof dumpItem>> {
  const archive = await source.manager.open(ref.host, ref.store, "archive");
  for await (const page of archivePages(archive, user, pageSize)) yield* page.map(dumpItem);
}

async function compareArchive(from: DataSource, to: DataSource, ref: StoreRef, user: User, report: VerifyReport, pageSize: number): Promise<Found | undefined> {
  const left = itemsOf(from, ref, user, pageSize);
  const right = itemsOf(to, ref, user, pageSize);
  try {
    for (let n = 1; ; n++) {
      const [a, b] = [await left.next(), await right.next()];
      if (a.done && b.done) return undefined;
      if (n === 1 && (a.done || b.done)) return a.done ? { what: "only in the target", to: b.value } : { what: "only in the source", from: a.value };
      if (a.done || b.done || !isDeepStrictEqual(a.value, b.value)) {
        return { what: `item ${n}`, ...(a.done ? {} : { from: a.value }), ...(b.done ? {} : { to: b.value }) };
      }
      report.items++;
    }
  } finally {
    await Promise.all([left.return(undefined), right.return(undefined)]);
  }
}

/** One line naming where a verification found a difference, for messages. */
export function describeDifference(d: VerifyDifference): string {
  const user = d.user === "" ? "host-wide data" : `user ${JSON.stringify(d.user)}`;
  return `host ${d.host}, ${d.type} store ${JSON.stringify(d.store)}, ${user}: ${d.what}`;
}
