import { StorageError, storageError } from "../../errors.js";
import type { Dialect } from "./dialects/dialect.js";
import { turnsOf, type RowScope, type Turn, type Turns } from "./turns.js";

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

/** One database session of a server engine, as the retrying chokepoint needs it. */
export interface Session {
  execute(step: Step): Promise<unknown>;
  /** Gives the session back; `broken` sessions are closed instead of reused. */
  release(broken: boolean): void;
}

/** A server engine as the chokepoint drives it. */
export interface ServerEngine {
  readonly dialect: Dialect;
  readonly label: string;
  /** The backend's name, for messages. */
  readonly backend: string;
  acquire(): Promise<Session>;
  readonly turns: Turns;
}

/** Attempts after a deadlock, serialization failure or lock timeout before it is reported. */
export const TRANSIENT_ATTEMPTS = 10;

/** Waits before attempt `n` (2, 3, …): a random time up to a bound that doubles, "full jitter". */
export function backOff(n: number): Promise<void> {
  const bound = Math.min(250, 5 * 2 ** n);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * bound));
}

/** Takes the advisory lock of each turn, in order; a lock not granted (a timeout) is a transient failure. */
async function takeLocks(session: Session, dialect: Dialect, turns: readonly Turn[]): Promise<void> {
  for (const turn of turns) {
    const found = (await session.execute({ kind: "rows", sql: dialect.rowLock!.take, params: [dialect.rowLock!.key(turn.digest)] })) as Rows;
    if (Number(found[0]?.[0]) !== 1) throw new LockNotGranted();
  }
}

class LockNotGranted extends Error {
  constructor() {
    super("timed out waiting for the lock on the rows");
  }
}

/** Drives `work` over an async session, between BEGIN and COMMIT (unless `bare`: one read). */
async function drive<T>(session: Session, dialect: Dialect, work: Work<T>, onCommit: () => void, bare: boolean, turns: readonly Turn[]): Promise<T> {
  if (bare) {
    const step = work.next();
    if (step.done) return step.value;
    return work.next(await session.execute(step.value)).value as T;
  }
  const lock = turns.length > 0 ? dialect.rowLock : undefined;
  // A session lock is taken before BEGIN, so that MySQL's snapshot starts after the turn begins.
  if (lock?.release) await takeLocks(session, dialect, turns);
  await session.execute({ kind: "run", sql: "BEGIN", params: [] });
  if (lock && !lock.release) await takeLocks(session, dialect, turns);
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

/** Gives a MySQL-style session lock back (transaction locks end with the transaction). */
async function releaseLocks(session: Session, dialect: Dialect, turns: readonly Turn[]): Promise<void> {
  const release = turns.length > 0 ? dialect.rowLock?.release : undefined;
  if (release) await session.execute({ kind: "rows", sql: release, params: [] });
}

/**
 * Gives the session back after the work: rolled back first when it failed. A session that
 * cannot be rolled back or unlocked is closed, which also frees its locks.
 */
async function giveBack(session: Session, dialect: Dialect, turns: readonly Turn[], outcome: "done" | "failed" | "lost" | "bare"): Promise<void> {
  if (outcome === "lost" || outcome === "bare") return session.release(outcome === "lost");
  try {
    if (outcome === "failed") await session.execute({ kind: "run", sql: "ROLLBACK", params: [] });
    await releaseLocks(session, dialect, turns);
    session.release(false);
  } catch {
    session.release(true);
  }
}

/**
 * How many sessions one operation may try when connections turn out to be gone: after a server
 * restart every idle connection of a pool is dead, and the pool may hand out several of them
 * before it notices, so one retry is not enough.
 */
const MAX_ATTEMPTS = 4;

/**
 * The transaction chokepoint of the server engines: takes a session, runs the work, and
 * - when the connection turns out to be gone (a database restart, a killed backend), retries
 *   on another session (up to MAX_ATTEMPTS in all); a failure during COMMIT is not retried:
 *   the outcome is unknown;
 * - when the database gave up on the transaction (deadlock, serialization failure, lock wait
 *   timeout: it was rolled back whole), runs it again after a jittered back-off, up to
 *   {@link TRANSIENT_ATTEMPTS} times;
 * - with `scopes`, runs only when no other transaction of those scopes runs (see turns.ts).
 */
export function retryingTransaction<T>(engine: ServerEngine, what: string, work: () => Work<T>, options: TransactionOptions = {}, bare = false): Promise<T> {
  const turns = turnsOf(options.scopes);
  return engine.turns.run(turns, () => attempts(engine, what, work, turns, bare));
}

/**
 * Runs `once` again after a jittered back-off while it fails with an error after which the
 * database has rolled the whole transaction back (deadlock, serialization failure, lock wait
 * timeout, busy), up to {@link TRANSIENT_ATTEMPTS} times in all; other errors pass at once.
 */
export async function retryTransient<T>(dialect: Dialect, once: () => Promise<T> | T): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await once();
    } catch (error) {
      const transient = error instanceof LockNotGranted || (!(error instanceof StorageError) && dialect.isTransient(error));
      if (!transient || attempt >= TRANSIENT_ATTEMPTS) throw error;
      await backOff(attempt + 1);
    }
  }
}

async function attempts<T>(engine: ServerEngine, what: string, work: () => Work<T>, turns: readonly Turn[], bare: boolean): Promise<T> {
  const { dialect } = engine;
  let lostSessions = 0;
  const once = async (): Promise<T> => {
    for (;;) {
      let session: Session;
      try {
        session = await engine.acquire();
      } catch (error) {
        if (++lostSessions >= MAX_ATTEMPTS || !dialect.isConnectionLost(error)) throw error;
        continue;
      }
      let committing = false;
      try {
        const result = await drive(session, dialect, work(), () => (committing = true), bare, turns);
        await giveBack(session, dialect, turns, bare ? "bare" : "done");
        return result;
      } catch (error) {
        const lost = !(error instanceof StorageError) && dialect.isConnectionLost(error);
        await giveBack(session, dialect, turns, lost ? "lost" : bare ? "bare" : "failed");
        if (!lost || committing || ++lostSessions >= MAX_ATTEMPTS) throw error;
      }
    }
  };
  try {
    return await retryTransient(dialect, once);
  } catch (error) {
    throw failure(engine, engine.backend, what, error);
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
