import { dirname } from "node:path";
import { StorageError, storageError } from "../../errors.js";
import type { BackendCaps, Logger } from "../../contracts/index.js";
import { checkDirs } from "./file-safety.js";
import type { FileMutex } from "./file-mutex.js";
import type { HostLayout } from "./paths.js";
import type { IndexCache } from "./index-cache.js";
import type { FileOwner } from "./file-safety.js";

/** What the stores of one `internal` backend instance share. */
export interface InternalContext {
  /** The backend's caps, which its stores carry too. */
  readonly caps: BackendCaps;
  readonly layout: HostLayout;
  /** fsync files and directories on every write (option `internal_durable`). */
  readonly durable: boolean;
  /** Owner given to new files and directories (option `file_owner`; only root can). */
  readonly owner?: FileOwner;
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

/**
 * Checks that the directories from the data directory down to `file`'s are real directories,
 * not links (see file-safety.ts), creating missing ones when `create`. Returns whether the
 * file's directory exists.
 */
export function checkParents(context: InternalContext, file: string, create: boolean): boolean {
  try {
    return checkDirs(context.layout.root, dirname(file), create, context.owner);
  } catch (error) {
    if (error instanceof StorageError) throw error;
    throw storageError("backend-failure", `cannot ${create ? "create" : "check"} the directory of ${file}: ${(error as Error).message}`, { backend: "internal", cause: error });
  }
}

/**
 * Runs a write on `file`: after the directory lock is held, in order with other operations on
 * it, once its directories are checked (and, with `create`, made).
 */
export async function writing<T>(context: InternalContext, file: string, fn: () => Promise<T>, create = true): Promise<T> {
  await context.lockForWriting();
  return context.mutex.run(file, async () => {
    checkParents(context, file, create);
    return fn();
  });
}

/** For a write decided within a read turn of `file` (rewrite after a query): lock, then check the directories. */
export async function beforeRewrite(context: InternalContext, file: string): Promise<void> {
  await context.lockForWriting();
  checkParents(context, file, false);
}
