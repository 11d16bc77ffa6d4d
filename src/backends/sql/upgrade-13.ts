import { rows, run, type Param, type SqlEngine, type Work } from "./connection.js";
import type { Dialect } from "./dialects/dialect.js";
import { KEY_INDEX, presentSchema, schemaVersion } from "./schema.js";
import { findDuplicatedKeys, type DuplicatedKey } from "./duplicate-keys.js";
/**
 * Where rows that lose to a duplicate are kept: the prosody table's own columns, so they can
 * be put back with `INSERT INTO "prosody" SELECT * FROM …`. Not named `prosody…`: Prosody's
 * MySQL upgrade converts every table whose name starts with that.
 */
export const DUPLICATES_TABLE = "xmppstore_prosody_duplicates";

/** A duplicated key and what the upgrade did with its rows. */
export interface DuplicateKey extends DuplicatedKey {
  /** Rows that differ from the one kept, moved to {@link DUPLICATES_TABLE} (the others are identical copies). */
  moved: number;
}

/** What upgrading a 0.12 schema to 13's does (or, in a dry run, would do). */
export interface SchemaUpgradePlan {
  /** The schema's version before: "13" when 13's index is there already (nothing to do). */
  from: "0.12" | "13";
  duplicates: DuplicateKey[];
  /** The DDL run, in order (duplicates are resolved before the first). */
  statements: string[];
  applied: boolean;
}


/**
 * Resolves one duplicated key: keeps the row a keyval read ends with (the last one the table
 * returns, as Prosody's and xmppstore's reads let later rows win), moves the rows that differ
 * from it to {@link DUPLICATES_TABLE}, drops identical copies. Returns the rows moved (or, when
 * not `apply`ing, that would be).
 */
function* resolveKey(dialect: Dialect, group: Param[], apply: boolean): Work<number> {
  const where = `"host" = ${dialect.bindValue} AND "user" = ${dialect.bindValue} AND "store" = ${dialect.bindValue} AND "key" = ${dialect.bindValue}`;
  const found = yield* rows(`SELECT "type", ${dialect.readValue('"value"')} FROM "prosody" WHERE ${where}`, group);
  const same = (a: unknown[], b: unknown[]) => a[0] === b[0] && Buffer.from(a[1] as string | Uint8Array).equals(Buffer.from(b[1] as string | Uint8Array));
  const kept = found[found.length - 1]!;
  const losers = found.slice(0, -1).filter((row) => !same(row, kept));
  if (!apply) return losers.length;
  const insert = (table: string) => `INSERT INTO "${table}" ("host", "user", "store", "key", "type", "value") VALUES (${[1, 2, 3, 4].map(() => dialect.bindValue).join(", ")}, ?, ${dialect.bindValue})`;
  yield* run(`DELETE FROM "prosody" WHERE ${where}`, group);
  yield* run(insert("prosody"), [...group, kept[0] as Param, kept[1] as Param]);
  for (const row of losers) yield* run(insert(DUPLICATES_TABLE), [...group, row[0] as Param, row[1] as Param]);
  return losers.length;
}

/**
 * Upgrades a Prosody 0.12 schema to 13's as 13 does at start-up (`prosody_unique_index` created,
 * `prosody_index` dropped on SQLite and PostgreSQL; kept on MySQL, as 13 keeps it), after
 * resolving what would stop the unique index: keys held by several rows. 13 itself fails to
 * create the index then and goes on without it; here every duplicated key keeps one row and
 * the differing rows are kept in {@link DUPLICATES_TABLE}. With `dryRun`, only says what it would do.
 */
export async function upgradeTo13(engine: SqlEngine, options: { dryRun: boolean }): Promise<SchemaUpgradePlan> {
  const { dialect } = engine;
  const present = await engine.transaction("read the schema", () => presentSchema(engine));
  if (schemaVersion(present, undefined) === "13") return { from: "13", duplicates: [], statements: [], applied: false };
  const groups = await findDuplicatedKeys(engine);
  const duplicates: DuplicateKey[] = groups.map((found) => ({ ...found.key, moved: 0 }));
  // 13's key index as the dialect defines it (unique except on MySQL, where 13 indexes 20-character prefixes).
  const statements = [dialect.schema.indexes[KEY_INDEX["13"]]!.sql];
  if (dialect.engine !== "MySQL" && present.indexes.has(KEY_INDEX["0.12"])) statements.push(`DROP INDEX "${KEY_INDEX["0.12"]}"`);
  const apply = !options.dryRun;
  if (apply && groups.length > 0) {
    const table = dialect.schema.tables.prosody.replace(/"prosody"/, `"${DUPLICATES_TABLE}"`);
    await engine.transaction("create the duplicates table", function* () {
      yield* run(table);
    });
  }
  for (const [i, { match }] of groups.entries()) {
    duplicates[i]!.moved = await engine.transaction("resolve a duplicated key", () => resolveKey(dialect, match, apply));
  }
  if (!apply) return { from: "0.12", duplicates, statements, applied: false };
  for (const sql of statements) {
    await engine.transaction("upgrade the schema to Prosody 13's", function* () {
      yield* run(sql);
    });
  }
  return { from: "0.12", duplicates, statements, applied: true };
}
