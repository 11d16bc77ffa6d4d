import { prune, DEFAULT_PRUNE_STORES, type PruneReport } from "../../jobs/prune.js";
import { parsePeriod } from "../../jobs/retention.js";
import { parseArgs, required, UsageError, type ArgSpec } from "../args.js";
import type { CliIO } from "../io.js";
import { withProgress } from "../progress.js";
import { isoSeconds, table, withSource } from "./open.js";

export const usage = `Usage: xmppstore prune --from SOURCE [--older-than DURATION] [--store S]… [--host H]…
                       [--rate N] [--dry-run] [--json] [--quiet]

Deletes archived items older than DURATION: message archives (archive), MUC logs
(muc_log), offline messages (offline), PubSub and PEP items (pubsub_NODE, pep_NODE).
Without --older-than, a prosody: SOURCE's configuration decides per host, as Prosody
itself expires them: archive_expires_after for archive where mod_mam is enabled,
muc_log_expires_after for muc_log where mod_muc_mam is enabled (both "1w" when
unset); hosts without those modules are left alone.

DURATION is Prosody's syntax: a number of seconds, or a number followed by d (days),
w (weeks), m (31 days) or y (365.2425 days); "never" deletes nothing.

Options:
  --from SOURCE        internal:DIR | sqlite:FILE | postgres://… | mysql://… | prosody:FILE
  --older-than DUR     delete items at least this old (required unless SOURCE is prosody:)
  --store S            archive store to prune (repeatable; default ${DEFAULT_PRUNE_STORES.join(" and ")});
                       "pubsub" means every pubsub_* archive and "pep" every pep_* one
  --host H             only this host (repeatable)
  --rate N             delete at most N items per second (and per statement), so that a
                       server running on the same database is not starved
  --dry-run            count what would be deleted, delete nothing
  --json               print the summary as JSON
  -q, --quiet          no progress on stderr
  -h, --help           show this help

Exit status: 0 done, 1 a failure during the work, 2 bad usage or configuration.
`;

export interface PruneCliOptions {
  from: string;
  olderThan?: number | "never";
  stores: string[];
  hosts: string[];
  rate?: number;
  dryRun: boolean;
  json: boolean;
  quiet: boolean;
}

const spec: ArgSpec = {
  options: { from: "value", "older-than": "value", store: "list", host: "list", rate: "value", "dry-run": "flag", json: "flag", quiet: "flag" },
  short: { q: "quiet", n: "dry-run" },
  positional: { min: 0, max: 0, names: [] },
};

export function parse(argv: string[]): PruneCliOptions {
  const args = parseArgs(argv, spec);
  const older = args.values.get("older-than");
  const rateText = args.values.get("rate");
  const rate = rateText === undefined ? undefined : Number(rateText);
  if (rate !== undefined && !(Number.isFinite(rate) && rate > 0)) throw new UsageError(`--rate must be a number of items per second > 0, got ${JSON.stringify(rateText)}`);
  let olderThan: number | "never" | undefined;
  if (older !== undefined) {
    try {
      olderThan = parsePeriod(older, "--older-than");
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  return {
    from: required(args, "from"),
    olderThan,
    stores: args.lists.get("store") ?? [],
    hosts: (args.lists.get("host") ?? []).map((h) => h.toLowerCase()),
    rate,
    dryRun: args.flags.has("dry-run"),
    json: args.flags.has("json"),
    quiet: args.flags.has("quiet"),
  };
}

function summary(report: PruneReport): string {
  const verb = report.dryRun ? "would delete" : "deleted";
  const rows = [["HOST", "STORE", "OLDER THAN", "FROM", "USERS", report.dryRun ? "WOULD DELETE" : "DELETED"]];
  for (const host of report.hosts) {
    for (const s of host.stores) rows.push([host.host, s.store, isoSeconds(s.before), s.keepFrom, String(s.users), String(s.items)]);
  }
  const skipped = report.skipped.map((s) => `skipped ${s.host} ${s.store}: ${s.why}\n`).join("");
  return `${rows.length > 1 ? table(rows) : ""}${skipped}${verb} ${report.items} items\n`;
}

export async function run(options: PruneCliOptions, io: CliIO): Promise<number> {
  const report = await withSource(options.from, io, (source) => withProgress(io, options.quiet, "pruning", (progress) => prune(source, { ...options, progress })));
  await io.out(options.json ? `${JSON.stringify(report, null, 2)}\n` : summary(report));
  return 0;
}
