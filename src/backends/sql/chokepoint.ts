import { StorageError } from "../../errors.js";
import { failure, single, type Rows, type SqlEngine, type Step, type TransactionOptions, type Work } from "./connection.js";
import type { Dialect } from "./dialects/dialect.js";
import { Turns, turnsOf, type Turn } from "./turns.js";

/*
 * The transaction chokepoint of the server engines (PostgreSQL, MySQL): sessions from a pool,
 * BEGIN/COMMIT around a unit of work, the turns of the rows it rewrites, and the retries.
 */

/** One database session of a server engine, as the retrying chokepoint needs it. */
export interface Session {
  execute(step: Step): Promise<unknown>;
  /** Gives the session back; `broken` sessions are closed instead of reused. */
  release(broken: boolean): void;
}

/** What the retry of transient failures needs to know of an engine. */
export interface RetryingEngine {
  readonly dialect: Dialect;
  readonly label: string;
  /** The backend's name, for messages. */
  readonly backend: string;
  /** Where a transaction run again is said (the manager's debug log). */
  readonly log: (message: string) => void;
}

/** A server engine as the chokepoint drives it. */
export interface ServerEngine extends RetryingEngine {
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

/**
 * Takes the advisory lock of each turn, in order. A lock not granted within the dialect's wait
 * means a writer of those rows is stuck, not a race: it is reported, not retried.
 */
async function takeLocks(session: Session, dialect: Dialect, turns: readonly Turn[]): Promise<void> {
  for (const turn of turns) {
    const found = (await session.execute({ kind: "rows", sql: dialect.rowLock!.take, params: [dialect.rowLock!.key(turn.digest)] })) as Rows;
    if (Number(found[0]?.[0]) !== 1) throw new LockNotGranted();
  }
}

class LockNotGranted extends Error {
  constructor() {
    super("timed out waiting for another writer of the same rows (advisory lock)");
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
  if (lock?.isolation) await session.execute({ kind: "run", sql: lock.isolation, params: [] });
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

/** A server engine over a pool's sessions: its transactions and lone reads go through the chokepoint. */
export function serverEngine(parts: Omit<ServerEngine, "turns">, close: () => Promise<void>): SqlEngine {
  const engine: ServerEngine = { ...parts, turns: new Turns() };
  return {
    dialect: parts.dialect,
    label: parts.label,
    transaction: (what, work, options) => retryingTransaction(engine, what, work, options),
    read: (what, sql, params = []) => retryingTransaction(engine, what, () => single(sql, params), {}, true),
    close,
  };
}

/**
 * Runs `once` again after a jittered back-off while it fails with an error after which the
 * database has rolled the whole transaction back (deadlock, serialization failure, lock wait
 * timeout, busy), up to {@link TRANSIENT_ATTEMPTS} times in all; other errors pass at once.
 */
export async function retryTransient<T>(engine: RetryingEngine, what: string, once: () => Promise<T> | T): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await once();
    } catch (error) {
      const transient = !(error instanceof StorageError) && engine.dialect.isTransient(error);
      if (!transient || attempt >= TRANSIENT_ATTEMPTS) throw error;
      engine.log(`[${engine.backend}] ${engine.label}: ${what}: ${engine.dialect.describeError(error)}; run again (attempt ${attempt + 1} of ${TRANSIENT_ATTEMPTS})`);
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
    return await retryTransient(engine, what, once);
  } catch (error) {
    throw failure(engine, engine.backend, what, error);
  }
}
