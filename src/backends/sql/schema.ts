import { rows, run, type SqlEngine, type Work } from "./connection.js";
import type { PresentSchema } from "./dialects/dialect.js";

function* presentSchema(engine: SqlEngine): Work<PresentSchema> {
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
 * Returns the statements it ran, for the log.
 */
export async function ensureSchema(engine: SqlEngine): Promise<string[]> {
  const present = await engine.transaction("read the schema", () => presentSchema(engine));
  const { schema } = engine.dialect;
  const statements: string[] = [];
  for (const table of ["prosody", "prosodyarchive"] as const) {
    if (!present.tables.has(table)) statements.push(schema.tables[table]);
  }
  statements.push(...schema.upgrades(present));
  for (const [name, index] of Object.entries(schema.indexes)) {
    if (!present.indexes.has(name)) statements.push(index.sql);
  }
  // One statement per transaction: MySQL commits DDL implicitly anyway.
  for (const sql of statements) {
    await engine.transaction("create Prosody's tables", function* () {
      yield* run(sql);
    });
  }
  return statements;
}
