import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { once } from "node:events";
import { join } from "node:path";
import { storageError } from "../errors.js";
import type { AccountName } from "./accounts.js";
import type { DataSource } from "./data-source.js";
import { dump } from "./dump.js";
import { userData, type UserStoreData } from "./user-data.js";

export interface ExportReport {
  jid: string;
  /** The canonical dump (dump-format.md) of everything stored for the user. */
  dump: string;
  /** Every store with data for the user, in every backend of the host. */
  stores: UserStoreData[];
  items: number;
  /** The XEP-0227 file, or why none was written. */
  xep0227: { file: string } | { missing: string };
}

/** Writes text to a file with backpressure, and fails if the file cannot be written. */
async function toFile<T>(file: string, write: (sink: (chunk: string) => unknown) => Promise<T>): Promise<T> {
  const out = createWriteStream(file, { flags: "wx", mode: 0o600 });
  await once(out, "open");
  const failed = once(out, "error").then(([error]) => Promise.reject(error as Error));
  failed.catch(() => undefined);
  const sink = (chunk: string) => (out.write(chunk) ? undefined : Promise.race([once(out, "drain"), failed]));
  const result = await write(sink);
  out.end();
  await Promise.race([once(out, "finish"), failed]);
  return result;
}

/**
 * Writes everything stored for one user on their host, in every store of every backend it
 * uses, into `dir`: `USER@HOST.dump.json`, the canonical dump of it all (private files: mode
 * 0600; existing files are not overwritten). The XEP-0227 file needs the XEP-0227 writer,
 * which this build lacks: the report says so.
 */
export async function exportUser(source: DataSource, name: AccountName, dir: string): Promise<ExportReport> {
  const jid = `${name.user}@${name.host}`;
  const stores = await userData(source, name.host, name.user);
  if (stores.length === 0) throw storageError("item-not-found", `nothing is stored for ${jid}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${jid}.dump.json`);
  let written;
  try {
    written = await toFile(file, (sink) => dump(source, sink, { selection: { hosts: [name.host] }, user: name.user }));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") throw storageError("conflict", `${file} exists already; choose another directory`);
    if (error instanceof Error && "code" in error) throw storageError("backend-failure", `cannot write ${file}: ${error.message}`, { cause: error });
    throw error;
  }
  return { jid, dump: file, stores, items: written.items, xep0227: { missing: "this build has no XEP-0227 writer" } };
}
