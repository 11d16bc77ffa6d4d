// Preloaded (`node --import`) into a migration child by test/migrate/interrupted.test.ts: it
// SIGKILLs the process right after the first transaction that leaves XS_KILL_AT_ROWS or more
// archive rows committed in the SQLite file XS_KILL_TARGET, so the test decides where the run
// dies instead of racing it.
import Database from "better-sqlite3";

const target = process.env.XS_KILL_TARGET;
const atRows = Number(process.env.XS_KILL_AT_ROWS);
if (!target || !(atRows > 0)) throw new Error("XS_KILL_TARGET and XS_KILL_AT_ROWS must be set");

function archiveRows(db) {
  try {
    return db.prepare('SELECT count(*) AS n FROM "prosodyarchive"').get().n;
  } catch {
    return 0; // no archive table yet
  }
}

const transaction = Database.prototype.transaction;
Database.prototype.transaction = function (fn) {
  const run = transaction.call(this, fn);
  if (this.name !== target) return run;
  const watched = (db, args) => {
    const result = run.apply(db, args);
    if (archiveRows(db) >= atRows) process.kill(process.pid, "SIGKILL");
    return result;
  };
  return (...args) => watched(this, args);
};
