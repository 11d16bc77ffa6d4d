import type { Logger } from "../../contracts/index.js";
import type { FileMutex } from "./file-mutex.js";
import type { HostLayout } from "./paths.js";
import type { IndexCache } from "./index-cache.js";

/** What the stores of one `internal` backend instance share. */
export interface InternalContext {
  readonly layout: HostLayout;
  /** fsync files and directories on every write (option `internal_durable`). */
  readonly durable: boolean;
  /** Orders operations on one file within this backend. */
  readonly mutex: FileMutex;
  /** Takes the data directory's advisory lock before the first write (see process-lock.ts). */
  readonly lockForWriting: () => Promise<void>;
  readonly indexes: IndexCache;
  /** Archive items per user and store (`storage_archive_item_limit`). */
  readonly quota: number;
  /** Makes the id of an item appended without one, in the form of the Prosody sharing the files. */
  readonly newId: () => string;
  /** Keep an exact `.lidx` beside every list written (Prosody 13 deployments only: 0.12 would leave it stale). */
  readonly keepLidx: boolean;
  readonly logger: Required<Logger>;
}

/** Runs a write on `file`: after the directory lock is held, in order with other operations on it. */
export async function writing<T>(context: InternalContext, file: string, fn: () => Promise<T>): Promise<T> {
  await context.lockForWriting();
  return context.mutex.run(file, fn);
}
