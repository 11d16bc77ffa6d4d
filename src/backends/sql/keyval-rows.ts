import { storageError } from "../../errors.js";
import { isTable, LuaTable, tableFromPairs, tablePairs, type Value } from "../../values/index.js";
import type { Dialect } from "./dialects/dialect.js";
import type { EncodedValue, ValueCodec } from "./values.js";

/** The `key` of the row that holds every pair without a row of its own. */
export const EXTRA_KEY = "";

/**
 * Whether key `key` gets a row of its own, as Prosody gives every non-empty string key; not a
 * key the column cannot hold (see Dialect.holds), which goes into the extra row instead.
 */
export function hasOwnRow(key: unknown, dialect: Dialect): key is string {
  return typeof key === "string" && key !== EXTRA_KEY && dialect.holds(key);
}

/**
 * Splits keyval data into rows as Prosody does: one row per string key, and one row with key
 * `""` holding all other pairs as a JSON object. A top-level `false` also goes into that row,
 * because Prosody's keyval read drops `false` rows but keeps `false` inside the extra row.
 */
export function splitRows(data: Value, codec: ValueCodec, dialect: Dialect, where: string): Array<[string, EncodedValue]> {
  if (!isTable(data)) {
    throw storageError("unsupported-datatype", "keyval data must be a table (Prosody's SQL schema stores one row per key)", { object: where });
  }
  const out: Array<[string, EncodedValue]> = [];
  const extra = new LuaTable();
  for (const [key, value] of tablePairs(data)) {
    if (hasOwnRow(key, dialect) && value !== false) out.push([key, codec.encode(value, `${where}[${JSON.stringify(key)}]`)]);
    else extra.set(key, value);
  }
  if (extra.size > 0) out.push([EXTRA_KEY, codec.encode(tableFromPairs(extra), `${where}[extra]`)]);
  return out;
}

/** Reassembles rows of (key, type, value) into the table they came from; undefined if none. */
export function mergeRows(rows: unknown[][], codec: ValueCodec, where: string): Value | undefined {
  if (rows.length === 0) return undefined;
  const table = new LuaTable();
  // The extra row first, so a key with a row of its own wins (rows come in no defined order).
  const names = rows.map((row) => codec.text(row[0], `${where} (a row)`, "key"));
  rows.forEach(([, type, raw], i) => {
    if (names[i] !== EXTRA_KEY) return;
    const extra = codec.decode(type, raw, `${where}[extra]`);
    // Prosody ignores an extra row that is not a table; so does this.
    if (isTable(extra)) for (const [k, v] of tablePairs(extra)) table.set(k, v);
  });
  rows.forEach(([, type, raw], i) => {
    const name = names[i];
    if (name !== EXTRA_KEY) table.set(name, codec.decode(type, raw, `${where}[${JSON.stringify(String(name))}]`));
  });
  return table.size === 0 ? undefined : tableFromPairs(table);
}
