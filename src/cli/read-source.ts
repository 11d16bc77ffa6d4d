import { checkSourceExists, parseSource } from "../config/source.js";
import { openSource, type DataSource } from "../jobs/data-source.js";
import { reach } from "../jobs/discover.js";
import type { CliIO } from "./io.js";

/**
 * Opens a SOURCE that a command only reads (ls, dump, get): it must exist, it is opened read-only
 * and reached before any output, and what the operator should know (a default data_path, a
 * torn archive item skipped) goes to stderr. The caller closes `manager`.
 */
export async function openForReading(text: string, io: CliIO): Promise<DataSource> {
  const parsed = parseSource(text, { cwd: io.cwd, env: io.env });
  checkSourceExists(parsed);
  for (const notice of parsed.notices ?? []) io.err(`xmppstore: ${notice}\n`);
  const source = openSource(parsed, { warn: (message) => io.err(`xmppstore: warning: ${message}\n`) });
  try {
    await reach(source);
  } catch (error) {
    await source.manager.close();
    throw error;
  }
  return source;
}
