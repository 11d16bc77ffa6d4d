import { createWriteStream } from "node:fs";
import { access, chmod, mkdir } from "node:fs/promises";
import { once } from "node:events";
import { join } from "node:path";
import { storageError } from "../errors.js";
import type { AccountName } from "./accounts.js";
import type { DataSource } from "./data-source.js";
import { dump } from "./dump.js";
import { managerSource } from "./data-source.js";
import { migrate } from "./migrate.js";
import { StorageManager } from "../stores/storage-manager.js";
import type { NotCarried } from "../contracts/index.js";
import { userData, type UserStoreData } from "./user-data.js";

export interface ExportReport {
  jid: string;
  /** The canonical dump (dump-format.md) of everything stored for the user. */
  dump: string;
  /** Every store with data for the user, in every backend of the host. */
  stores: UserStoreData[];
  items: number;
  /** The XEP-0227 file (`USER@HOST.xml`, as Prosody's mod_storage_xep0227 names it) and what that format cannot hold (it is in the dump). */
  xep0227: { file: string; notCarried: NotCarried[] };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
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
 * 0600; existing files are not overwritten), and `USER@HOST.xml`, the same data in XEP-0227
 * (what that format cannot hold is listed in the report, and is in the dump).
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
  return { jid, dump: file, stores, items: written.items, xep0227: await writeXep0227(source, name, dir) };
}

/** The user's data as one XEP-0227 file in `dir`, through the xep0227 backend. */
async function writeXep0227(source: DataSource, name: AccountName, dir: string): Promise<ExportReport["xep0227"]> {
  const file = join(dir, `${name.user}@${name.host}.xml`);
  if (await exists(file)) throw storageError("conflict", `${file} exists already; choose another directory`);
  const target = new StorageManager({ storage: "xep0227", xep0227_path: dir });
  let notCarried: NotCarried[];
  try {
    const report = await migrate({ from: source, to: managerSource(target, [name.host], `xep0227:${dir}`), selection: { hosts: [name.host] }, user: name.user });
    notCarried = report.notCarried;
  } finally {
    await target.close();
  }
  await chmod(file, 0o600).catch(() => undefined);
  return { file, notCarried };
}
