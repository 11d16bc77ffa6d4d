import { checkSourceExists, parseSource } from "../../config/source.js";
import { openSource, type DataSource } from "../../jobs/data-source.js";
import type { CliIO } from "../io.js";

/**
 * Opens `--from SOURCE` (which must exist), runs `work`, and closes it whatever happens. The
 * operator commands may write in place (`"store"`); `"source"` opens it read-only; `"target"`
 * opens it as a migration target (the schema upgrade changes it as one).
 */
export async function withSource<T>(from: string, io: CliIO, work: (source: DataSource) => Promise<T>, role: "source" | "store" | "target" = "store"): Promise<T> {
  const parsed = parseSource(from, { cwd: io.cwd, env: io.env });
  checkSourceExists(parsed);
  const source = openSource(parsed, { role });
  try {
    return await work(source);
  } finally {
    await source.manager.close();
  }
}

/** Rows as aligned columns, the last column left as is. */
export function table(rows: string[][]): string {
  if (rows.length === 0) return "";
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join("  ").trimEnd()).join("\n") + "\n";
}

/** A time in seconds as ISO 8601 UTC to the second, as the listings print it. */
export const isoSeconds = (when: number): string => new Date(when * 1000).toISOString().replace(/\.000Z$/, "Z");
