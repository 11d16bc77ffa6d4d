import { ConfigError } from "../../config/errors.js";
import { StorageError } from "../../errors.js";
import { DUPLICATES_TABLE, upgradeSchema, type SchemaUpgradeReport } from "../../jobs/upgrade-schema.js";
import { parseArgs, required, type ArgSpec } from "../args.js";
import type { CliIO } from "../io.js";
import { withSource } from "./open.js";

export const usage = `Usage: xmppstore upgrade-schema --from SOURCE [--dry-run] [--json]

Upgrades Prosody 0.12's SQL schema to Prosody 13's, as 13 does at start-up:
creates prosody_unique_index (unique on host, user, store, key; not unique on
MySQL) and drops 0.12's prosody_index (kept on MySQL, as 13 keeps it). Keys held
by several rows would stop the unique index, so they are resolved first: each
keeps the row a read ends with, and rows that differ from it are moved to the
table ${DUPLICATES_TABLE} (same columns as prosody), so nothing is lost.
Nothing else changes; reading a database never upgrades it.

SOURCE: sqlite:FILE | postgres://USER:PASS@HOST:PORT/DB | mysql://USER:PASS@HOST:PORT/DB |
        prosody:prosody.cfg.lua (its SQL databases)

Options:
  --from SOURCE   the database
  --dry-run       only say what it would do
  --json          print the report as JSON
  -h, --help      show this help
`;

export interface UpgradeSchemaCliOptions {
  from: string;
  dryRun: boolean;
  json: boolean;
}

const spec: ArgSpec = { options: { from: "value", "dry-run": "flag", json: "flag" }, positional: { min: 0, max: 0, names: [] } };

export function parse(argv: string[]): UpgradeSchemaCliOptions {
  const args = parseArgs(argv, spec);
  return { from: required(args, "from"), dryRun: args.flags.has("dry-run"), json: args.flags.has("json") };
}

function reportText(report: SchemaUpgradeReport, dryRun: boolean): string[] {
  if (report.from === "13") return [`${report.database}: already Prosody 13's schema, nothing to do`];
  const lines = [`${report.database}: Prosody 0.12's schema${dryRun ? ", would upgrade to 13's (dry run)" : ", upgraded to 13's"}`];
  const moved = report.duplicates.reduce((n, d) => n + d.moved, 0);
  lines.push(`  duplicated keys: ${report.duplicates.length}${report.duplicates.length > 0 ? `, ${moved} differing row(s) ${dryRun ? "to move" : "moved"} to ${DUPLICATES_TABLE}` : ""}`);
  for (const d of report.duplicates) {
    lines.push(`    ${JSON.stringify(d.host)} ${JSON.stringify(d.user)} ${JSON.stringify(d.store)} ${JSON.stringify(d.key)}: ${d.rows} rows, ${d.moved} differing`);
  }
  lines.push(`  ${dryRun ? "would run" : "ran"}:`, ...report.statements.map((sql) => `    ${sql}`));
  return lines;
}

export async function run(options: UpgradeSchemaCliOptions, io: CliIO): Promise<number> {
  // The database is changed (or, with --dry-run, looked at as for a change): open it as a target.
  const reports = await withSource(options.from, io, async (source) => {
    try {
      return await upgradeSchema(source, { dryRun: options.dryRun });
    } catch (error) {
      if (error instanceof StorageError && error.condition === "unsupported-store") throw new ConfigError(error.message, { cause: error });
      throw error;
    }
  }, "target");
  if (options.json) await io.out(`${JSON.stringify({ dryRun: options.dryRun, databases: reports }, null, 2)}\n`);
  else await io.out(`${reports.flatMap((r) => reportText(r, options.dryRun)).join("\n")}\n`);
  return 0;
}
