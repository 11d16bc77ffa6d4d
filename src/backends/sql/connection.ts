import { StorageError, storageError } from "../../errors.js";
import type { Dialect } from "./dialects/dialect.js";

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

/** A database with Prosody's tables: every access goes through `transaction`. */
export interface SqlEngine {
  readonly dialect: Dialect;
  /** Names the database in messages, e.g. `SQLite3 /var/lib/prosody/prosody.sqlite`. */
  readonly label: string;
  /**
   * Runs `work` in one transaction: all of it is committed, or none. `what` names the operation
   * for error messages. Driver errors become `backend-failure`; StorageErrors thrown by `work`
   * pass through. The chokepoint for every statement of the backend.
   */
  transaction<T>(what: string, work: () => Work<T>): Promise<T>;
  /**
   * Runs one SELECT on its own, without BEGIN/COMMIT around it (one statement is atomic and
   * sees one snapshot anyway): the fast path for reads of a single statement. Same errors and
   * retry as `transaction`.
   */
  read(what: string, sql: string, params?: readonly Param[]): Promise<Rows>;
  close(): Promise<void>;
}

/** One database session of a server engine, as the retrying chokepoint needs it. */
export interface Session {
  execute(step: Step): Promise<unknown>;
  /** Gives the session back; `broken` sessions are closed instead of reused. */
  release(broken: boolean): void;
}

/** Drives `work` over an async session, between BEGIN and COMMIT (unless `bare`: one read). */
async function drive<T>(session: Session, work: Work<T>, onCommit: () => void, bare: boolean): Promise<T> {
  if (bare) {
    const step = work.next();
    if (step.done) return step.value;
    return work.next(await session.execute(step.value)).value as T;
  }
  await session.execute({ kind: "run", sql: "BEGIN", params: [] });
  let input: unknown;
  for (;;) {
    const step = work.next(input);
    if (step.done) {
      onCommit();
      await session.execute({ kind: "run", sql: "COMMIT", params: [] });
      return step.value;
    }
    input = await session.execute(step.value);
  }
}

/**
 * How many sessions one operation may try when connections turn out to be gone: after a server
 * restart every idle connection of a pool is dead, and the pool may hand out several of them
 * before it notices, so one retry is not enough.
 */
const MAX_ATTEMPTS = 4;

/**
 * The transaction chokepoint of the server engines: takes a session, runs the work, and when
 * the connection turns out to be gone (a database restart, a killed backend) retries on another
 * session (up to MAX_ATTEMPTS in all). A failure during COMMIT is not retried: the outcome is
 * unknown, so it is reported.
 */
export async function retryingTransaction<T>(
  engine: { dialect: Dialect; label: string },
  backend: string,
  what: string,
  acquire: () => Promise<Session>,
  work: () => Work<T>,
  bare = false,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let session: Session;
    try {
      session = await acquire();
    } catch (error) {
      if (attempt < MAX_ATTEMPTS && engine.dialect.isConnectionLost(error)) continue;
      throw failure(engine, backend, what, error);
    }
    let committing = false;
    try {
      const result = await drive(session, work(), () => (committing = true), bare);
      session.release(false);
      return result;
    } catch (error) {
      const lost = !(error instanceof StorageError) && engine.dialect.isConnectionLost(error);
      if (!lost && !bare) {
        try {
          await session.execute({ kind: "run", sql: "ROLLBACK", params: [] });
          session.release(false);
        } catch {
          session.release(true);
        }
      } else {
        session.release(lost);
      }
      if (lost && !committing && attempt < MAX_ATTEMPTS) continue;
      throw failure(engine, backend, what, error);
    }
  }
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
