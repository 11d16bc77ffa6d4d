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
  // The plain function and its variants (writers begin IMMEDIATE), each killing after its commit.
  const watch = (variant) => (...args) => {
    const result = variant.apply(this, args);
    if (archiveRows(this) >= atRows) process.kill(process.pid, "SIGKILL");
    return result;
  };
  const watched = watch(run);
  for (const name of ["deferred", "immediate", "exclusive"]) watched[name] = watch(run[name]);
  return watched;
};
