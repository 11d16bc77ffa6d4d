import { check, type CheckReport } from "../../jobs/check.js";
import { parseArgs, required, type ArgSpec } from "../args.js";
import type { CliIO } from "../io.js";
import { withSource } from "./open.js";

export const usage = `Usage: xmppstore check --from SOURCE [--repair] [--json] [--quiet]

Looks for damage and for drift from what Prosody expects in every data directory and
database SOURCE uses, and changes nothing (SQLite is opened read-only):
  data directories  files that do not parse (.dat, .list), torn archive tails (an
                    incomplete last item), Prosody 13 .lidx indexes that disagree with
                    their .list, names that do not decode or that Prosody would spell
                    differently, files outside HOST/STORE/USER.dat|.list|.lidx, scratch
                    files left by interrupted writes
  SQL databases     missing tables and indexes, changes Prosody's schema upgrade would
                    make, rows whose type Prosody cannot read, rows of prosody sharing
                    (host, user, store, key), which Prosody 13's unique index refuses

With --repair it fixes what it can without loss, after keeping a copy of what it
changes (in DIR/.xmppstore-backup-STAMP/, or the table xmppstore_backup_STAMP): cuts torn
tails after the last complete item, removes wrong or orphaned .lidx files and scratch
files, creates missing tables and indexes, applies Prosody's upgrade, and keeps one of
each group of identical duplicate rows. Everything else is reported for a person to
decide. Stop Prosody before repairing.

Options:
  --from SOURCE   internal:DIR | sqlite:FILE | postgres://… | mysql://… | prosody:FILE
  --repair        fix what can be fixed without loss
  --json          print the report as JSON
  -q, --quiet     no progress on stderr
  -h, --help      show this help

Exit status: 0 nothing wrong (or all of it repaired), 1 problems found, 2 bad usage.
`;

export interface CheckCliOptions {
  from: string;
  repair: boolean;
  json: boolean;
  quiet: boolean;
}

const spec: ArgSpec = { options: { from: "value", repair: "flag", json: "flag", quiet: "flag" }, short: { q: "quiet" }, positional: { min: 0, max: 0, names: [] } };

export function parse(argv: string[]): CheckCliOptions {
  const args = parseArgs(argv, spec);
  return { from: required(args, "from"), repair: args.flags.has("repair"), json: args.flags.has("json"), quiet: args.flags.has("quiet") };
}

function text(report: CheckReport): string {
  const lines = report.problems.map((p) => `${p.fixed ? "repaired" : "problem"}: ${p.kind}: ${p.where}: ${p.detail}\n  ${p.fixed ? "done" : "repair"}: ${p.repair}`);
  for (const backend of report.notChecked) lines.push(`not checked: backend ${backend} (only internal and sql are)`);
  for (const backup of report.backups) lines.push(`backup: ${backup}`);
  const fixed = report.problems.length - report.remaining;
  lines.push(`checked ${report.checked.join(", ")}: ${report.problems.length === 0 ? "no problems" : `${report.problems.length} problems${fixed ? `, ${fixed} repaired` : ""}`}`);
  return `${lines.join("\n")}\n`;
}

export async function run(options: CheckCliOptions, io: CliIO): Promise<number> {
  const report = await withSource(options.from, io, (source) =>
    check(source, { repair: options.repair, onCheck: options.quiet ? undefined : (what) => io.err(`checking ${what}\n`) }),
  );
  await io.out(options.json ? `${JSON.stringify(report, null, 2)}\n` : text(report));
  return report.remaining > 0 ? 1 : 0;
}
