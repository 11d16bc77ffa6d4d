import { storageError } from "../errors.js";
import { unguardedBackend } from "../manager/manager.js";
import type { SqlEngine } from "../backends/sql/connection.js";
import { upgradeTo13, type SchemaUpgradePlan } from "../backends/sql/upgrade-13.js";
import type { DataSource } from "./data-source.js";

export { DUPLICATES_TABLE } from "../backends/sql/upgrade-13.js";
export type { DuplicateKey, SchemaUpgradePlan } from "../backends/sql/upgrade-13.js";

/** The upgrade of one database. */
export interface SchemaUpgradeReport extends SchemaUpgradePlan {
  /** The database, as its engine names it (passwords hidden). */
  database: string;
}

/** Host used to reach the backend when the source names none (the sql backend serves every host). */
const PROBE_HOST = "localhost";

/** The SQL engines a source's hosts use, each once. */
async function enginesOf(source: DataSource): Promise<SqlEngine[]> {
  const engines = new Set<SqlEngine>();
  for (const host of source.hosts.length > 0 ? source.hosts : [PROBE_HOST]) {
    const { backend } = await unguardedBackend(source.manager, host, "accounts");
    const engine = (backend as { engine?: SqlEngine }).engine;
    if (engine !== undefined) engines.add(engine);
  }
  return [...engines];
}

/**
 * Upgrades every SQL database a source uses from Prosody 0.12's schema to 13's (see
 * `upgradeTo13`: duplicated keys resolved first, the rows that differ kept aside, then 13's
 * unique index), or with `dryRun` says what it would do. Databases already on 13's schema are
 * reported with nothing to do. `unsupported-store` when the source has no SQL database.
 */
export async function upgradeSchema(source: DataSource, options: { dryRun?: boolean } = {}): Promise<SchemaUpgradeReport[]> {
  const engines = await enginesOf(source);
  if (engines.length === 0) {
    throw storageError("unsupported-store", `${source.label} is not an SQL database: only Prosody's SQL schema has versions to upgrade`, { backend: "upgrade-schema" });
  }
  const reports: SchemaUpgradeReport[] = [];
  for (const engine of engines) reports.push({ database: engine.label, ...(await upgradeTo13(engine, { dryRun: options.dryRun ?? false })) });
  return reports;
}
