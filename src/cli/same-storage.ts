import { realpathSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { SQL_DRIVERS } from "../contracts/index.js";
import type { Source } from "../config/source.js";

/** A path with symbolic links resolved as far as it exists (a target file may not exist yet). */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(realPath(parent), basename(path));
  }
}

/** Names of the local machine, which reach the same server however they are spelled. */
const LOOPBACK = new Set(["", "localhost", "127.0.0.1", "::1", "[::1]", "localhost.localdomain"]);

/** Where a source's data lives: its data directory and its database, spelled one way only. */
function locations(source: Source): string[] {
  const { storage, default_storage, data_path, sql, xep0227_path } = source.config;
  const names = typeof storage === "string" ? [storage] : [...Object.values(storage ?? {}), default_storage ?? "internal"];
  const out: string[] = [];
  if (names.includes("xep0227") && typeof xep0227_path === "string") out.push(`xep0227:${realPath(xep0227_path)}`);
  else if (names.some((name) => name !== "sql") && data_path !== undefined) out.push(`dir:${realPath(data_path)}`);
  if (names.includes("sql") && sql) {
    if (SQL_DRIVERS[sql.driver].file) out.push(`file:${realPath(sql.database)}`);
    else {
      const host = (sql.host ?? "").toLowerCase();
      out.push(`${sql.driver}:${LOOPBACK.has(host) ? "loopback" : host}:${sql.port ?? "default"}/${sql.database}`);
    }
  }
  return out;
}

/**
 * Whether two sources reach the same data however they are written (`localhost` and
 * `127.0.0.1`, a prosody: file and its data_path, a symbolic link to a directory): migrating
 * into itself would read what it writes.
 */
export function sameStorage(a: Source, b: Source): boolean {
  const mine = new Set(locations(a));
  return a.label === b.label || locations(b).some((where) => mine.has(where));
}
