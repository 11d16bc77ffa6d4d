import { storageError } from "../../errors.js";
import type { Dialect } from "./dialects/dialect.js";

/**
 * A `when` as the column can hold it. Prosody's `when` is an INTEGER column: SQLite keeps
 * fractions (as Prosody's SQLite backend does), PostgreSQL's and MySQL's int4 cannot, so there
 * the time is rounded down to the whole second (what `os.time()` gives Prosody). Times outside
 * the column's range (int4: 1901-12-13 to 2038-01-19) are rejected before anything is written.
 */
export function checkWhen(dialect: Dialect, label: string, when: number): number {
  const at = dialect.fractionalWhen ? when : Math.floor(when);
  const [min, max] = dialect.whenRange;
  if (!(at >= min && at <= max)) {
    throw storageError("invalid-input", `when = ${when} is outside what ${dialect.engine}'s "when" column holds (${min} to ${max} seconds)`, { backend: "sql", object: label });
  }
  return at;
}

/** Text for a key, `with` or name column, refused when the column cannot hold it faithfully. */
export function checkText(dialect: Dialect, label: string, what: string, text: string): string {
  if (!dialect.holds(text)) {
    throw storageError("invalid-input", `${what} ${JSON.stringify(text)} cannot be held faithfully by ${dialect.engine} (${dialect.holdsNot})`, { backend: "sql", object: label });
  }
  return text;
}
