import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import { storageError } from "../../errors.js";
import { touchFile, type FileOwner } from "../file-owner.js";
import { retryTransient } from "./chokepoint.js";
import { failure, type Param, type Rows, type SqlEngine, type Step, type TransactionOptions, type Work } from "./connection.js";
import { sqliteDialect } from "./dialects/sqlite.js";
import type { SqliteTune } from "./settings.js";
import type { AccessSettings } from "./settings.js";

/** A 64 MiB page cache keeps the indexes of a large archive in memory (SQLite's default is 2 MiB). */
function cacheInMemory(db: Database.Database): Database.Database {
  db.pragma("cache_size = -65536");
  db.pragma("temp_store = MEMORY");
  return db;
}

/**
 * Opens a database to read only: the file must exist, its journal mode stays as it is (Prosody
 * leaves it in rollback mode; switching to WAL is a write), nothing is created in it.
 */
function openForReading(file: string): Database.Database {
  return cacheInMemory(new Database(file, { readonly: true, fileMustExist: true, timeout: 5000 }));
}

/**
 * Opens the file in WAL mode, creating it 0640 (and giving it to `owner`) first: SQLite gives
 * its -wal and -shm files the mode and owner of the database file. A database on a read-only
 * file system (where WAL's shared-memory file cannot be made) is opened read-only instead, so
 * it can still be read and migrated from.
 */
function openForWriting(file: string, owner: FileOwner | undefined): Database.Database {
  let db: Database.Database;
  try {
    if (file !== ":memory:") touchFile(file, owner);
    db = new Database(file, { timeout: 5000 });
  } catch (error) {
    if (file === ":memory:") throw error;
    try {
      return openForReading(file);
    } catch {
      throw error;
    }
  }
  if (file !== ":memory:" && !db.readonly) {
    try {
      db.pragma("journal_mode = WAL");
    } catch (error) {
      // A database on read-only media stays in its journal mode and can still be read.
      if (!String((error as { code?: unknown }).code).startsWith("SQLITE_READONLY")) throw error;
    }
  }
  // In WAL mode NORMAL loses no committed data on a process crash, only on power loss; it
  // syncs at checkpoints only, which a larger WAL (up to ~40 MB) makes ten times rarer.
  db.pragma("synchronous = NORMAL");
  db.pragma("wal_autocheckpoint = 10000");
  return cacheInMemory(db);
}

/**
 * Prosody 13's `sqlite_tune`, applied as 13 applies it when it connects: "normal" WAL, full
 * auto-vacuum and NORMAL syncing; "fast" WAL, fast secure-delete (where compiled in), no syncing;
 * "safe" a rollback journal, EXTRA syncing and full fsync. "default" (and no option) keeps
 * xmppstore's own settings above (WAL, NORMAL).
 */
function applyTune(db: Database.Database, tune: SqliteTune | undefined): void {
  if (tune === undefined || tune === "default" || db.readonly || db.memory) return;
  const compiled = (db.pragma("compile_options") as Array<{ compile_options: string }>).map((row) => row.compile_options.toLowerCase());
  if (tune === "normal") {
    db.pragma("journal_mode = WAL");
    db.pragma("auto_vacuum = FULL");
    db.pragma("synchronous = NORMAL");
  } else if (tune === "fast") {
    db.pragma("journal_mode = WAL");
    if (compiled.some((option) => option.startsWith("secure_delete"))) db.pragma("secure_delete = FAST");
    db.pragma("synchronous = OFF");
    db.pragma("fullfsync = 0");
  } else {
    db.pragma("journal_mode = DELETE");
    db.pragma("synchronous = EXTRA");
    db.pragma("fullfsync = 1");
  }
}

/**
 * SQLite through better-sqlite3: one connection per database file, WAL journal. Units of work
 * run synchronously inside better-sqlite3's transaction, so no other operation of this process
 * can interleave with them; writers in other processes wait for the write lock (busy timeout),
 * and a transaction that still found the database busy is run again. An embedded database has
 * no connection to lose.
 */
export function openSqlite(
  file: string,
  backend: string,
  log: (message: string) => void,
  tune?: SqliteTune,
  access: AccessSettings = { readOnly: false },
): SqlEngine {
  const label = `SQLite3 ${file}`;
  const engine = { dialect: sqliteDialect, label };
  let db: Database.Database;
  try {
    db = access.readOnly ? openForReading(file) : openForWriting(file, access.fileOwner);
  } catch (error) {
    if (access.readOnly && !existsSync(file)) {
      throw storageError("item-not-found", "no such database file", { backend, object: label, cause: error });
    }
    throw failure(engine, backend, "open", error);
  }
  try {
    applyTune(db, tune);
  } catch (error) {
    db.close();
    throw failure(engine, backend, "apply sqlite_tune to", error);
  }
  const statements = new Map<string, Database.Statement>();
  const statement = (sql: string) => {
    let prepared = statements.get(sql);
    if (!prepared) {
      prepared = db.prepare(sql);
      if (prepared.reader) prepared.raw(true);
      if (statements.size < 500) statements.set(sql, prepared);
    }
    return prepared;
  };
  const execute = (step: Step): unknown => {
    const prepared = statement(step.sql);
    const params = step.params as Param[];
    return step.kind === "rows" ? prepared.all(...params) : prepared.run(...params).changes;
  };
  const runWork = db.transaction(<T>(work: Work<T>): T => {
    let input: unknown;
    for (;;) {
      const step = work.next(input);
      if (step.done) return step.value;
      input = execute(step.value);
    }
  });

  return {
    dialect: sqliteDialect,
    label,
    async transaction<T>(what: string, work: () => Work<T>, options: TransactionOptions = {}): Promise<T> {
      // A writer takes the write lock at BEGIN: one that first read and then found another
      // process writing would fail at once (SQLITE_BUSY), where BEGIN IMMEDIATE waits its turn.
      const begin = options.write || options.scopes ? runWork.immediate : runWork.deferred;
      try {
        return await retryTransient({ ...engine, backend, log }, what, () => begin(work()) as T);
      } catch (error) {
        throw failure(engine, backend, what, error);
      }
    },
    async read(what: string, sql: string, params: readonly Param[] = []) {
      try {
        return execute({ kind: "rows", sql, params }) as Rows;
      } catch (error) {
        throw failure(engine, backend, what, error);
      }
    },
    async close() {
      statements.clear();
      if (db.open) db.close();
    },
  };
}
