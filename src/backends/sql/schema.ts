import type { ProsodyVersion } from "../../contracts/index.js";
import { rows, run, type SqlEngine, type Work } from "./connection.js";
import type { PresentSchema } from "./dialects/dialect.js";
import { storageError } from "../../errors.js";

const PROSODY_TABLES = ["prosody", "prosodyarchive"] as const;

/** The prosody table's key index of each version: 0.12's plain one, 13's unique one. */
export const KEY_INDEX: Record<ProsodyVersion, string> = { "0.12": "prosody_index", "13": "prosody_unique_index" };

/**
 * Which Prosody made the schema, where it says so: 13 replaced `prosody_index` by
 * `prosody_unique_index` (and drops the old one when it upgrades), so either index names its
 * version. A database with neither (new, or tables made by hand) is `wanted`, or 0.12.
 */
export function schemaVersion(present: PresentSchema, wanted: ProsodyVersion | undefined): ProsodyVersion {
  if (present.indexes.has(KEY_INDEX["13"])) return "13";
  if (present.indexes.has(KEY_INDEX["0.12"])) return "0.12";
  return wanted ?? "0.12";
}

/** The tables, indexes and columns the database has now. */
export function* presentSchema(engine: SqlEngine): Work<PresentSchema> {
  const { probe } = engine.dialect;
  const tables = new Set((yield* rows(probe.tables)).map((row) => String(row[0])));
  const indexes = new Map<string, { unique: boolean }>();
  for (const row of yield* rows(probe.indexes)) indexes.set(String(row[0]), { unique: Number(row[1]) === 1 });
  const columns = (yield* rows(probe.columns)).map((row) => ({
    table: String(row[0]),
    column: String(row[1]),
    type: String(row[2]),
    charset: row[3] === null ? null : String(row[3]),
    collation: row[4] === null ? null : String(row[4]),
  }));
  return { tables, indexes, columns };
}

/** The statements that make Prosody's schema present, given what is there and the version's key index. */
function missingSchema(engine: SqlEngine, present: PresentSchema, version: ProsodyVersion): string[] {
  const other = KEY_INDEX[version === "13" ? "0.12" : "13"];
  const { schema } = engine.dialect;
  const statements: string[] = [];
  for (const table of PROSODY_TABLES) {
    if (!present.tables.has(table)) statements.push(schema.tables[table]);
  }
  statements.push(...schema.upgrades(present));
  for (const [name, index] of Object.entries(schema.indexes)) {
    if (!present.indexes.has(name) && name !== other) statements.push(index.sql);
  }
  return statements;
}

/**
 * Refuses an upgrade that could stop half-way (MySQL commits each ALTER on its own): every
 * check the dialect gives must find no row in the way before the first statement runs.
 */
async function checkUpgrade(engine: SqlEngine, present: PresentSchema): Promise<void> {
  for (const check of engine.dialect.schema.upgradeChecks?.(present) ?? []) {
    const [[count]] = await engine.read("check the schema upgrade", check.sql);
    if (Number(count) > 0) {
      throw storageError("invalid-input", `cannot upgrade Prosody's schema: ${check.problem} (${Number(count)} rows); nothing was changed`, { object: engine.label });
    }
  }
}

/**
 * Makes Prosody's schema present: creates the tables and indexes that are missing (an older
 * Prosody may have made only some), and applies the changes Prosody 0.12's upgrade makes to an
 * older schema (MySQL: MEDIUMTEXT, non-unique id index, utf8mb4), all in one transaction where
 * the engine has transactional DDL, after checks that it can complete where it has not. Never
 * drops or rewrites rows. The prosody table gets the key index of the version the schema
 * already has, or of `wanted` for a new one (see {@link schemaVersion}). Returns that version
 * and the statements it ran.
 *
 * `readOnly` (a source): nothing is created or changed; a database without Prosody's tables is
 * `item-not-found`, and one that needs Prosody's upgrade is refused, as Prosody refuses it.
 */
export async function ensureSchema(engine: SqlEngine, wanted?: ProsodyVersion, readOnly = false): Promise<{ version: ProsodyVersion; statements: string[] }> {
  const present = await engine.transaction("read the schema", () => presentSchema(engine));
  const version = schemaVersion(present, wanted);
  if (readOnly) {
    const missing = PROSODY_TABLES.filter((table) => !present.tables.has(table));
    if (missing.length > 0) {
      throw storageError("item-not-found", `not a Prosody database: no table ${missing.join(" or ")} in it`, { object: engine.label });
    }
    if (engine.dialect.schema.upgrades(present).length > 0) {
      // Read as it is, text in the old columns would come back garbled; Prosody refuses it too.
      throw storageError(
        "invalid-input",
        "Prosody's tables are from an older Prosody and need its schema upgrade first " +
          "(prosodyctl mod_storage_sql upgrade, or xmppstore migrate into this database); a source is never changed",
        { object: engine.label },
      );
    }
    return { version, statements: [] };
  }
  const statements = missingSchema(engine, present, version);
  if (statements.length === 0) return { version, statements };
  await checkUpgrade(engine, present);
  await engine.transaction("create Prosody's tables", function* () {
    for (const sql of statements) yield* run(sql);
  }, { write: true });
  return { version, statements };
}
