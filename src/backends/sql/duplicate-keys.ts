import { rows, type Param, type SqlEngine } from "./connection.js";

/** Text of a column read through `readValue` (SQLite gives bytes). */
export const columnText = (value: unknown): string => (value instanceof Uint8Array ? Buffer.from(value).toString("utf8") : String(value));

/** One (host, user, store, key) held by several rows of the prosody table. */
export interface DuplicatedKey {
  host: string;
  user: string;
  store: string;
  key: string;
  /** Rows with that key. */
  rows: number;
}

/**
 * The keys of the prosody table held by more than one row: what blocks Prosody 13's unique
 * index. Read by the health check and by the schema upgrade alike.
 */
export async function findDuplicatedKeys(engine: SqlEngine): Promise<Array<{ key: DuplicatedKey; match: Param[] }>> {
  const { readValue } = engine.dialect;
  const groups = await engine.transaction("find duplicated keys", () =>
    rows(
      `SELECT ${["host", "user", "store", "key"].map((c) => readValue(`"${c}"`)).join(", ")}, COUNT(*) FROM "prosody" ` +
        `GROUP BY "host", "user", "store", "key" HAVING COUNT(*) > 1`,
    ),
  );
  // `match`: the four columns as read, to select the group's rows again byte for byte.
  return groups.map((row) => ({
    key: { host: columnText(row[0]), user: columnText(row[1]), store: columnText(row[2]), key: columnText(row[3]), rows: Number(row[4]) },
    match: row.slice(0, 4) as Param[],
  }));
}
