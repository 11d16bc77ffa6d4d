import { readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import type { Source } from "../config/source.js";

/** Whose files a run as root writes, and why them. */
export interface TargetOwner {
  uid: number;
  gid: number;
  /** For the summary: `prosody:prosody (prosody_user of prosody:/etc/prosody/prosody.cfg.lua)`. */
  description: string;
}

/** Looks a name up in /etc/passwd or /etc/group (name:x:id:…); `undefined` when absent. */
function systemId(file: "/etc/passwd" | "/etc/group", name: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  for (const line of text.split("\n")) {
    const fields = line.split(":");
    if (fields[0] === name && fields.length > 2 && /^\d+$/.test(fields[2])) return Number(fields[2]);
  }
  return undefined;
}

function nameOf(file: "/etc/passwd" | "/etc/group", id: number): string {
  try {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      const fields = line.split(":");
      if (fields[2] === String(id)) return fields[0];
    }
  } catch {
    // no account database: the number says it
  }
  return String(id);
}

/** The directory whose owner new files should share: the data directory, or the SQLite file's. */
function dataDirectory(source: Source): string | undefined {
  const { storage, default_storage, data_path, sql } = source.config;
  const onlySql = storage === "sql" || (storage === undefined && default_storage === "sql");
  if (sql?.driver === "SQLite3" && onlySql) return dirname(sql.database);
  return data_path;
}

/** The directory itself if it exists, else its nearest existing parent (which new ones inherit from). */
function nearestExisting(dir: string): { path: string; uid: number; gid: number } {
  for (let path = dir; ; path = dirname(path)) {
    try {
      const { uid, gid } = statSync(path);
      return { path, uid, gid };
    } catch (error) {
      if (dirname(path) === path) throw error;
    }
  }
}

/**
 * Who should own the files a migration creates in `target`, when running as root (otherwise
 * files are the running user's and `undefined` is returned): for a Prosody configuration the
 * account Prosody runs as (`prosody_user`, `prosody_group`, default "prosody", as prosodyctl),
 * if the system has it; else the owner of the target's data directory (or of its nearest
 * existing parent), so that whoever runs the server there can use them.
 */
export function targetOwner(target: Source): TargetOwner | undefined {
  if (process.getuid?.() !== 0) return undefined;
  if (target.account) {
    const uid = systemId("/etc/passwd", target.account.user);
    const gid = systemId("/etc/group", target.account.group);
    if (uid !== undefined && gid !== undefined) {
      return { uid, gid, description: `${target.account.user}:${target.account.group} (the account Prosody runs as, per ${target.label})` };
    }
  }
  const dir = dataDirectory(target);
  if (dir === undefined) return undefined;
  const { path, uid, gid } = nearestExisting(dir);
  return { uid, gid, description: `${nameOf("/etc/passwd", uid)}:${nameOf("/etc/group", gid)} (the owner of ${path})` };
}
