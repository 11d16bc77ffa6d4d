import { existsSync } from "node:fs";
import { backupStamp, type HealthProblem } from "../backends/health.js";
import { BACKUP_PREFIX, checkDataDir } from "../backends/internal/health.js";
import { checkSqlDatabase, openForHealth } from "../backends/sql/health.js";
import { settingsKey, sqlSettings, type SqlSettings } from "../backends/sql/settings.js";
import type { DataSource } from "./data-source.js";

export type { HealthProblem } from "../backends/health.js";

export interface CheckOptions {
  repair?: boolean;
  /** Told before each data directory or database is checked. */
  onCheck?: (what: string) => void;
  /** Names backups; default the time now. */
  stamp?: string;
}

export interface CheckReport {
  /** Data directories and databases checked. */
  checked: string[];
  /** Backends configured but not checkable here (memory, plugins, …). */
  notChecked: string[];
  problems: HealthProblem[];
  /** Problems left unfixed (all of them without `repair`). */
  remaining: number;
  /** Where repairs kept what they changed. */
  backups: string[];
}

/** Host used to read the configuration when the source names no host (the single-backend sources). */
const ANY_HOST = "localhost";

type Target = { kind: "internal"; path: string } | { kind: "sql"; settings: SqlSettings; label: string };

/** Every data directory and database the source's hosts use, once each. */
function targetsOf(source: DataSource): { targets: Target[]; notChecked: string[] } {
  const { config } = source.manager;
  const seen = new Map<string, Target>();
  const notChecked = new Set<string>();
  for (const host of source.hosts.length > 0 ? source.hosts : [ANY_HOST]) {
    const options = config.forHost(host);
    for (const backend of config.backendsOf(host)) {
      if (backend === "internal") {
        const path = options.data_path ?? "./data";
        seen.set(`internal:${path}`, { kind: "internal", path });
      } else if (backend === "sql") {
        const settings = sqlSettings(options, "sql");
        const label = settings.driver === "SQLite3" ? `SQLite3 ${settings.database}` : `${settings.driver} ${settings.database}${settings.host ? ` on ${settings.host}` : ""}`;
        seen.set(settingsKey(settings), { kind: "sql", settings, label });
      } else if (backend !== "null" && backend !== "none") notChecked.add(backend);
    }
  }
  return { targets: [...seen.values()], notChecked: [...notChecked] };
}

/**
 * Checks every data directory and database a source uses for damage and for drift from what
 * Prosody expects; with `repair`, fixes what loses nothing (see each backend's checker) after
 * keeping a copy of what it changes. A database that cannot be opened is a problem too.
 */
export async function check(source: DataSource, options: CheckOptions = {}): Promise<CheckReport> {
  const repair = options.repair === true;
  const stamp = options.stamp ?? backupStamp();
  const { targets, notChecked } = targetsOf(source);
  const report: CheckReport = { checked: [], notChecked, problems: [], remaining: 0, backups: [] };
  for (const target of targets) {
    const label = target.kind === "internal" ? `data directory ${target.path}` : target.label;
    options.onCheck?.(label);
    report.checked.push(label);
    if (target.kind === "internal") {
      if (!existsSync(target.path)) {
        report.problems.push({ kind: "missing", where: target.path, detail: "the data directory does not exist", repair: "none: check data_path" });
        continue;
      }
      const found = await checkDataDir(target.path, { repair, stamp });
      report.problems.push(...found);
      if (found.some((p) => p.fixed)) report.backups.push(`${target.path}/${BACKUP_PREFIX}${stamp}`);
      continue;
    }
    let engine;
    try {
      engine = await openForHealth(target.settings, repair);
    } catch (error) {
      report.problems.push({ kind: "unreachable", where: target.label, detail: (error as Error).message, repair: "none" });
      continue;
    }
    try {
      const found = await checkSqlDatabase(engine, { repair, stamp });
      report.problems.push(...found);
      if (found.some((p) => p.fixed && p.kind === "duplicate-key")) report.backups.push(`${target.label}: table xmppstore_backup_${stamp}`);
    } catch (error) {
      report.problems.push({ kind: "unreachable", where: target.label, detail: (error as Error).message, repair: "none" });
    } finally {
      await engine.close();
    }
  }
  report.remaining = report.problems.filter((p) => !p.fixed).length;
  return report;
}
