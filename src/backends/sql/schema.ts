import type { ProsodyVersion } from "../../contracts/index.js";
import { rows, run, type SqlEngine, type Work } from "./connection.js";
import type { PresentSchema } from "./dialects/dialect.js";

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

/**
 * Makes Prosody's schema present: creates the tables and indexes that are missing (an older
 * Prosody may have made only some), and applies the changes Prosody 0.12's upgrade makes to an
 * older schema (MySQL: MEDIUMTEXT, non-unique id index, utf8mb4). Never drops or rewrites rows.
 * The prosody table gets the key index of the version the schema already has, or of `wanted`
 * for a new one (see {@link schemaVersion}). Returns that version and the statements it ran.
 */
export async function ensureSchema(engine: SqlEngine, wanted?: ProsodyVersion): Promise<{ version: ProsodyVersion; statements: string[] }> {
  const present = await engine.transaction("read the schema", () => presentSchema(engine));
  const version = schemaVersion(present, wanted);
  const other = KEY_INDEX[version === "13" ? "0.12" : "13"];
  const { schema } = engine.dialect;
  const statements: string[] = [];
  for (const table of ["prosody", "prosodyarchive"] as const) {
    if (!present.tables.has(table)) statements.push(schema.tables[table]);
  }
  statements.push(...schema.upgrades(present));
  for (const [name, index] of Object.entries(schema.indexes)) {
    if (!present.indexes.has(name) && name !== other) statements.push(index.sql);
  }
  // One statement per transaction: MySQL commits DDL implicitly anyway.
  for (const sql of statements) {
    await engine.transaction("create Prosody's tables", function* () {
      yield* run(sql);
    }, { write: true });
  }
  return { version, statements };
}
