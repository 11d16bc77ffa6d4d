import { StorageError, storageError } from "../../errors.js";
import type { Dialect } from "./dialects/dialect.js";
import type { RowScope } from "./turns.js";

/** A parameter of a statement; `Uint8Array` is text given as bytes (SQLite only). */
export type Param = string | number | Uint8Array;
/** Rows as arrays of column values, in SELECT order. */
export type Rows = unknown[][];

/** One statement a unit of work asks the engine to run. */
export interface Step {
  kind: "rows" | "run";
  sql: string;
  params: readonly Param[];
}

/**
 * A unit of work: a generator that yields statements and receives their results. Written once,
 * it runs synchronously inside a better-sqlite3 transaction (which must not await) and
 * asynchronously over a network connection. Use `yield* rows(…)` and `yield* run(…)` inside.
 */
export type Work<T> = Generator<Step, T, unknown>;

/** Runs a SELECT; gives its rows. */
export function* rows(sql: string, params: readonly Param[] = []): Work<Rows> {
  return (yield { kind: "rows", sql, params }) as Rows;
}

/** Runs an INSERT/UPDATE/DELETE/DDL; gives the number of rows changed. */
export function* run(sql: string, params: readonly Param[] = []): Work<number> {
  return (yield { kind: "run", sql, params }) as number;
}

/** How a transaction uses the database, so the chokepoint can order it against others. */
export interface TransactionOptions {
  /** It changes rows (SQLite: BEGIN IMMEDIATE, so writers in several processes queue for the lock). */
  write?: boolean;
  /**
   * It reads and rewrites the rows of these scopes (implies `write`): transactions naming the
   * same scope run one after another, in this process and across processes, so a multi-row
   * rewrite (keyval set, map set, an append under a quota) never interleaves with another.
   */
  scopes?: readonly RowScope[];
}

/** A database with Prosody's tables: every access goes through `transaction`. */
export interface SqlEngine {
  readonly dialect: Dialect;
  /** Names the database in messages, e.g. `SQLite3 /var/lib/prosody/prosody.sqlite`. */
  readonly label: string;
  /**
   * Runs `work` in one transaction: all of it is committed, or none. `what` names the operation
   * for error messages. Driver errors become `backend-failure`; StorageErrors thrown by `work`
   * pass through. Deadlocks, serialization failures and busy databases are retried with
   * back-off, a bounded number of times. The chokepoint for every statement of the backend.
   */
  transaction<T>(what: string, work: () => Work<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Runs one SELECT on its own, without BEGIN/COMMIT around it (one statement is atomic and
   * sees one snapshot anyway): the fast path for reads of a single statement. Same errors and
   * retry as `transaction`.
   */
  read(what: string, sql: string, params?: readonly Param[]): Promise<Rows>;
  close(): Promise<void>;
}

/** A unit of work of one SELECT, for `read`. */
export function* single(sql: string, params: readonly Param[] = []): Work<Rows> {
  return yield* rows(sql, params);
}

/** A driver error as `backend-failure` naming the backend, database and operation. */
export function failure(engine: { dialect: Dialect; label: string }, backend: string, what: string, error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  return storageError("backend-failure", `${what}: ${engine.dialect.describeError(error)}`, { backend, cause: error, object: engine.label });
}
