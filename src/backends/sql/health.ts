import type { HealthOptions, HealthProblem } from "../health.js";
import { rows, run, type SqlEngine, type Work } from "./connection.js";
import { KEY_INDEX, presentSchema, schemaVersion } from "./schema.js";
import { columnText as text, findDuplicatedKeys } from "./duplicate-keys.js";
import type { SqlSettings } from "./settings.js";

/** The `type` values Prosody's mod_storage_sql writes and reads. */
const KNOWN_TYPES = ["string", "number", "boolean", "json", "xml"];

/** Duplicate groups looked at in one check; more are counted, not listed. */
const MAX_GROUPS = 1000;

/** The engines' retry and connection notes are not part of a health report. */
const quiet = () => undefined;

/**
 * Opens a database for a health check. Without `repair` nothing is changed: SQLite is opened
 * read-only (no WAL switch, no file created), and only SELECTs are sent to the servers; the
 * tables are never created here.
 */
export async function openForHealth(settings: SqlSettings, repair: boolean): Promise<SqlEngine> {
  switch (settings.driver) {
    case "SQLite3":
      return (await import("./engine-sqlite.js")).openSqlite(settings.database, "sql", quiet, undefined, { readOnly: !repair });
    case "PostgreSQL":
      return (await import("./engine-postgres.js")).openPostgres(settings, "sql", quiet, quiet);
    case "MySQL":
      return (await import("./engine-mysql.js")).openMysql(settings, "sql", quiet);
  }
}

function* runAll(statements: string[]): Work<void> {
  for (const sql of statements) yield* run(sql);
}


/**
 * Checks Prosody's tables in one database: tables, indexes and column changes Prosody's own
 * upgrade would make; rows whose `type` Prosody cannot read; rows of `prosody` sharing
 * (host, user, store, key), which Prosody 13's unique index refuses (on SQLite and PostgreSQL
 * it fails to start). With `repair`: creates what is missing, applies the upgrade, and of each
 * group of duplicates that are the same row keeps one, after copying them into
 * `xmppstore_backup_STAMP`. Duplicates that differ are left for a person to choose.
 */
export async function checkSqlDatabase(engine: SqlEngine, options: HealthOptions): Promise<HealthProblem[]> {
  const where = engine.label;
  const problems: HealthProblem[] = [];
  const { schema } = engine.dialect;
  const present = await engine.transaction("read the schema", () => presentSchema(engine));
  const fix = async (problem: HealthProblem, statements: string[]) => {
    if (options.repair) {
      await engine.transaction(`repair: ${problem.kind}`, () => runAll(statements));
      problem.fixed = true;
    }
    problems.push(problem);
  };
  for (const table of ["prosody", "prosodyarchive"] as const) {
    if (!present.tables.has(table)) {
      await fix({ kind: "missing-table", where, detail: `table ${table} is missing`, repair: "created, as Prosody creates it" }, [schema.tables[table]]);
    }
  }
  const upgrades = present.tables.size === 2 ? schema.upgrades(present) : [];
  if (upgrades.length > 0) {
    await fix({ kind: "schema-upgrade", where, detail: `the schema predates Prosody 0.12's: ${upgrades.join("; ")}`, repair: "applied, as Prosody's upgrade does" }, upgrades);
  }
  // The prosody table's key index is 0.12's or 13's, whichever this schema has (13 replaced the first by the second).
  const otherKeyIndex = KEY_INDEX[schemaVersion(present, undefined) === "13" ? "0.12" : "13"];
  for (const [name, index] of Object.entries(schema.indexes)) {
    if (present.indexes.has(name) || name === otherKeyIndex) continue;
    await fix({ kind: "missing-index", where, detail: `index ${name} on ${index.table} is missing`, repair: "created" }, [index.sql]);
  }
  if (!present.tables.has("prosody") || !present.tables.has("prosodyarchive")) {
    if (!options.repair) return problems; // nothing more to look at
  }

  const types = `(${KNOWN_TYPES.map((t) => `'${t}'`).join(", ")})`;
  for (const table of ["prosody", "prosodyarchive"]) {
    const found = await engine.transaction("count unknown types", function* () {
      return yield* rows(`SELECT "type", COUNT(*) FROM "${table}" WHERE "type" NOT IN ${types} GROUP BY "type"`);
    });
    for (const [type, count] of found) {
      problems.push({ kind: "unknown-type", where: `${where} ${table}`, detail: `${count} rows of type ${JSON.stringify(text(type))}, which Prosody cannot read`, repair: "none: what the value means is unknown" });
    }
  }
  await duplicates(engine, options, problems);
  return problems;
}

async function duplicates(engine: SqlEngine, options: HealthOptions, problems: HealthProblem[]): Promise<void> {
  const where = `${engine.label} prosody`;
  const { readValue } = engine.dialect;
  const groups = await findDuplicatedKeys(engine);
  // Not named prosody…: Prosody's MySQL upgrade converts every table whose name starts with that.
  const backup = `xmppstore_backup_${options.stamp}`;
  let backupMade = false;
  for (const [index, group] of groups.entries()) {
    if (index >= MAX_GROUPS) {
      problems.push({ kind: "duplicate-key", where, detail: `${groups.length - MAX_GROUPS} more groups of duplicates not listed`, repair: "run again after repairing" });
      break;
    }
    const { host, user, store, key } = group.key;
    const label = `${store} of ${JSON.stringify(user)}@${host}, key ${JSON.stringify(key)}`;
    const params = [host, user, store, key];
    const match = `"host" = ? AND "user" = ? AND "store" = ? AND "key" = ?`;
    const found = await engine.transaction("read duplicates", function* () {
      return yield* rows(`SELECT "type", ${readValue('"value"')} FROM "prosody" WHERE ${match}`, params);
    });
    const distinct = new Set(found.map(([type, value]) => `${text(type)}\0${text(value)}`));
    if (distinct.size > 1) {
      problems.push({ kind: "duplicate-key", where, detail: `${found.length} different rows for ${label}; Prosody reads one of them, 13's unique index refuses them`, repair: "none: choose the row to keep, or let `xmppstore upgrade-schema` keep the last one and set the others aside" });
      continue;
    }
    const problem: HealthProblem = { kind: "duplicate-key", where, detail: `${found.length} identical rows for ${label}; 13's unique index refuses them`, repair: `one kept, the copies in ${backup}` };
    if (options.repair) {
      const [type, value] = found[0]!;
      const createBackup = !backupMade;
      backupMade = true;
      await engine.transaction("remove identical duplicates", function* () {
        if (createBackup) yield* run(`CREATE TABLE "${backup}" AS SELECT * FROM "prosody" WHERE 1 = 0`);
        yield* run(`INSERT INTO "${backup}" SELECT * FROM "prosody" WHERE ${match}`, params);
        yield* run(`DELETE FROM "prosody" WHERE ${match}`, params);
        yield* run(`INSERT INTO "prosody" ("host", "user", "store", "key", "type", "value") VALUES (?, ?, ?, ?, ?, ${engine.dialect.bindValue})`, [
          ...params,
          text(type),
          value as string | Uint8Array,
        ]);
      });
      problem.fixed = true;
    }
    problems.push(problem);
  }
}
