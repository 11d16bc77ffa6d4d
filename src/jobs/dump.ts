import { JsonTextWriter, canonicalXml, encodeDumpValue } from "../format/dump/index.js";
import { isEmptyTable } from "../values/index.js";
import type { ArchiveItem, User } from "../contracts/index.js";
import { archivePages, DEFAULT_PAGE_SIZE } from "./archive-pages.js";
import type { DataSource } from "./data-source.js";
import { discoverStores, type StoreRef } from "./discover.js";
import { compareText } from "./order.js";
import { requireMatches, selectStores, type Selection } from "./select.js";
import { usersOf } from "./users.js";

const DUMP_FORMAT = "xmppstore-dump/1";

/** Text handed to the sink is flushed once this many UTF-16 code units are buffered. */
const FLUSH_AT = 64 * 1024;

export interface DumpOptions {
  selection?: Selection;
  pageSize?: number;
  /** Only this user's data (a per-user export); the selection should name the user's host. */
  user?: string;
  /** Only the (store, user) pairs this accepts (verify: what both sides can hold). */
  include?: (ref: StoreRef, user: User) => boolean | Promise<boolean>;
}

export interface DumpReport {
  hosts: number;
  stores: number;
  items: number;
}

/** An archive item as the dump writes it (dump-format.md, ITEM). */
export function dumpItem(item: ArchiveItem): { id: string; when: number; with: string; value: string } {
  return { id: item.id, when: item.when, with: item.with, value: canonicalXml(item.value) };
}

/**
 * Opens the objects on the way to a member only when something is written there, so that
 * hosts and stores with nothing in them do not appear.
 */
class LazyPath {
  readonly #writer: JsonTextWriter;
  readonly #open: string[] = [];

  constructor(writer: JsonTextWriter) {
    this.#writer = writer;
  }

  enter(path: string[]): void {
    let common = 0;
    while (common < this.#open.length && common < path.length && this.#open[common] === path[common]) common++;
    this.leave(common);
    for (const key of path.slice(common)) {
      this.#writer.openObject(key);
      this.#open.push(key);
    }
  }

  leave(depth = 0): void {
    while (this.#open.length > depth) {
      this.#writer.close();
      this.#open.pop();
    }
  }
}

/** Stores in document order: host, then `archive` before `keyval`, then store name. */
function documentOrder(a: StoreRef, b: StoreRef): number {
  return compareText(a.host, b.host) || compareText(a.type, b.type) || compareText(a.store, b.store);
}

/**
 * Writes everything a source holds as one canonical JSON document (dump-format.md), streamed to
 * `sink`: archives go page by page, so their size does not matter. A returned promise from the
 * sink is awaited (backpressure).
 */
export async function dump(source: DataSource, sink: (chunk: string) => unknown, options: DumpOptions = {}): Promise<DumpReport> {
  const discovered = await discoverStores(source);
  requireMatches(discovered, options.selection, source.label);
  const refs = selectStores(discovered, options.selection).sort(documentOrder);
  const writer = new JsonTextWriter(sink);
  const path = new LazyPath(writer);
  const report: DumpReport = { hosts: 0, stores: 0, items: 0 };
  const hosts = new Set<string>();
  const flush = async () => {
    if (writer.buffered >= FLUSH_AT) await writer.flush();
  };
  writer.openObject();
  writer.value(DUMP_FORMAT, "format");
  writer.openObject("hosts");
  for (const ref of refs) {
    let wrote = false;
    for (const user of options.user !== undefined ? [options.user] : await usersOf(source.manager, ref)) {
      if (options.include && !(await options.include(ref, user))) continue;
      const userKey = user ?? "";
      if (ref.type === "keyval") {
        const value = await (await source.manager.open(ref.host, ref.store)).get(user);
        if (value === undefined || isEmptyTable(value)) continue;
        path.enter([ref.host, "keyval", ref.store]);
        writer.value(encodeDumpValue(value), userKey);
        wrote = true;
        report.items++;
        await flush();
        continue;
      }
      const archive = await source.manager.open(ref.host, ref.store, "archive");
      let opened = false;
      for await (const page of archivePages(archive, user, options.pageSize ?? DEFAULT_PAGE_SIZE)) {
        if (!opened) {
          path.enter([ref.host, "archive", ref.store]);
          writer.openArray(userKey);
          opened = wrote = true;
        }
        for (const item of page) writer.value(dumpItem(item));
        report.items += page.length;
        await flush();
      }
      if (opened) writer.close();
    }
    if (wrote) {
      report.stores++;
      hosts.add(ref.host);
    }
  }
  path.leave();
  writer.close();
  writer.close();
  await writer.end();
  report.hosts = hosts.size;
  return report;
}
