import { ConfigError } from "../../config/errors.js";
import { readMigratorConfig } from "../../config/migrator-cfg.js";
import { checkSourceExists, parseSource, sqlSourceKind, type Source } from "../../config/source.js";
import type { StoreSpec } from "../../config/store-spec.js";
import { openSource, type DataSource } from "../../jobs/data-source.js";
import { discoverStores, reach } from "../../jobs/discover.js";
import { migrate, MigrationInterrupted, type MigrationReport } from "../../jobs/migrate.js";
import { PROSODY_VERSIONS, isProsodyVersion, type ProsodyVersion } from "../../contracts/index.js";
import { holdsStore } from "../../contracts/index.js";
import type { DumpOptions } from "../../jobs/dump.js";
import { unguardedBackend } from "../../manager/manager.js";
import { rolesSummary } from "../../jobs/roles-migration.js";
import { clearStores, storesToReplace } from "../../jobs/clear-target.js";
import { selectStores, type Selection } from "../../jobs/select.js";
import { describeDifference, verifySources, type VerifyReport } from "../../jobs/verify.js";
import { parseArgs, UsageError, type ArgSpec } from "../args.js";
import type { CliIO } from "../io.js";
import { progressReporter } from "../progress.js";
import { sameStorage } from "../same-storage.js";
import { storeOptions } from "./store-options.js";

export const usage = `Usage: xmppstore migrate --from SOURCE --to SOURCE [options]
       xmppstore migrate --config migrator.cfg.lua [INPUT OUTPUT] [options]

Copies keyval, map and archive stores (host-wide data included) from one SOURCE to
another, archives in order with their ids, times and "with". Running it again gives
the same target: keyval data is replaced, archive items with an id the target
already holds replace it instead of being added twice.

SOURCE: internal:DIR | sqlite:FILE | postgres://USER:PASS@HOST:PORT/DB |
        mysql://USER:PASS@HOST:PORT/DB | prosody:prosody.cfg.lua |
        xep0227:DIR (Prosody's USER@HOST.xml files) | xep0227:FILE.xml (one document) |
        ejabberd:DIR (export_piefxis's directory, to read) | ejabberd:FILE.xml (for import_piefxis)

XEP-0227 and ejabberd targets hold accounts, rosters, vCards, private XML, privacy lists,
offline messages and (xep0227 only) blocklists, PEP and message archives; what they cannot
hold is listed in the summary under "not carried", store by store and user.

Options:
  --from SOURCE       where the data is
  --to SOURCE         where it goes
  --config FILE       read prosody-migrator's configuration instead of --from/--to;
                      INPUT and OUTPUT name its sections (default: input output)
  --host HOST         only this host (repeatable)
  --store S[:TYPE]    only this store, TYPE keyval, map, archive or pubsub (repeatable)
  --target-version V  the Prosody the target serves, 0.12 or 13, passed to it as its
                      prosody_version (default: an SQL target's schema, else the target's
                      prosody_version option, else 0.12); for 13, 0.12's roles are converted
                      to account_roles (highest of operator > admin > member > registered
                      > guest primary, the others secondary) and listed in the summary
  --replace           first clear, in the target, the stores --host/--store name (without
                      them: every store the target holds on the hosts the source holds);
                      without --replace, data already in the target is merged with
  --keep-going        record what fails, skip it and go on (exit status 1 at the end)
  --verify            afterwards compare what was migrated, user by user and item by item,
                      with the source (exit 1 naming the host, store and user that differ)
  --json              print the summary as JSON

Items in the summary count as in ls: each user's keyval record in a store is 1 item,
each archive item is 1.
  -q, --quiet         no progress on stderr
  -h, --help          show this help
`;

export interface MigrateCliOptions {
  from?: string;
  to?: string;
  config?: { file: string; input: string; output: string };
  hosts: string[];
  stores: StoreSpec[];
  keepGoing: boolean;
  replace: boolean;
  targetVersion?: ProsodyVersion;
  verify: boolean;
  json: boolean;
  quiet: boolean;
}

const spec: ArgSpec = {
  options: {
    from: "value", to: "value", config: "value", host: "list", store: "list",
    "target-version": "value", "keep-going": "flag", replace: "flag", verify: "flag", json: "flag", quiet: "flag",
  },
  short: { q: "quiet" },
  positional: { min: 0, max: 2, names: ["INPUT", "OUTPUT"] },
};

/** argv (after `migrate`) → options; usage mistakes are UsageErrors. */
export function parse(argv: string[]): MigrateCliOptions {
  const args = parseArgs(argv, spec);
  const config = args.values.get("config");
  const from = args.values.get("from");
  const to = args.values.get("to");
  if (config !== undefined) {
    if (from !== undefined || to !== undefined) throw new UsageError("--config replaces --from and --to; give one or the other");
    if (args.positional.length === 1) throw new UsageError("give both INPUT and OUTPUT section names, or neither");
  } else {
    if (args.positional.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(args.positional[0])} (INPUT OUTPUT go with --config)`);
    if (from === undefined || to === undefined) throw new UsageError("--from and --to are required (or --config)");
  }
  const targetVersion = args.values.get("target-version");
  if (targetVersion !== undefined && !isProsodyVersion(targetVersion)) {
    throw new UsageError(`--target-version must be ${PROSODY_VERSIONS.join(" or ")}, got ${JSON.stringify(targetVersion)}`);
  }
  return {
    from,
    to,
    ...(targetVersion === undefined ? {} : { targetVersion }),
    config: config === undefined ? undefined : { file: config, input: args.positional[0] ?? "input", output: args.positional[1] ?? "output" },
    hosts: args.lists.get("host") ?? [],
    stores: storeOptions(args.lists.get("store")),
    keepGoing: args.flags.has("keep-going"),
    replace: args.flags.has("replace"),
    verify: args.flags.has("verify"),
    json: args.flags.has("json"),
    quiet: args.flags.has("quiet"),
  };
}

/** The two sources and the per-host store lists a migration works on. */
function resolveSources(options: MigrateCliOptions, io: CliIO): { from: Source; to: Source; perHost?: Selection["perHost"] } {
  const context = { cwd: io.cwd, env: io.env };
  if (!options.config) return { from: parseSource(options.from!, context), to: parseSource(options.to!, context) };
  const sections = readMigratorConfig(options.config.file, { env: io.env });
  const pick = (name: string) => {
    const section = sections.get(name);
    if (!section) {
      throw new ConfigError(`${options.config!.file}: no section ${JSON.stringify(name)} (it has: ${[...sections.keys()].join(", ") || "none"})`);
    }
    return section;
  };
  const input = pick(options.config.input);
  const output = pick(options.config.output);
  const asSource = (s: typeof input): Source => ({
    kind: s.driver ? sqlSourceKind(s.driver) : "internal",
    label: s.label,
    config: s.config,
    hosts: Object.keys(s.hosts ?? {}),
  });
  return { from: asSource(input), to: asSource(output), perHost: input.hosts };
}

/** What the target could not hold, by store, then user, one line each. */
function notCarriedLines(report: MigrationReport): string[] {
  const byStore = new Map<string, Map<string, string[]>>();
  for (const n of report.notCarried) {
    const users = byStore.get(n.store) ?? byStore.set(n.store, new Map()).get(n.store)!;
    const who = n.user === null ? `${n.host} (host-wide)` : `${n.user}@${n.host}`;
    users.set(who, [...(users.get(who) ?? []), n.what]);
  }
  const lines: string[] = [];
  for (const [store, users] of [...byStore].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`    ${store}:`);
    for (const [who, whats] of users) lines.push(`      ${who}: ${whats.join("; ")}`);
  }
  return lines;
}

/**
 * With `--replace`: says which of the target's stores are cleared, then clears them, before the
 * first item moves.
 */
async function replaceInTarget(from: DataSource, to: DataSource, selection: Selection, io: CliIO): Promise<void> {
  const cleared = await storesToReplace(from, to, selection);
  if (cleared.length === 0) {
    io.err(`xmppstore migrate: --replace: ${to.label} holds nothing of what is migrated; nothing to clear\n`);
    return;
  }
  const named = cleared.map((ref) => `${ref.host}/${ref.store}:${ref.type}`).join(", ");
  io.err(`xmppstore migrate: --replace: clearing ${cleared.length} store(s) in ${to.label} before migrating: ${named}\n`);
  await clearStores(to, cleared);
}

/** Says, before anything moves, that the target holds data already and what migrating does to it. */
async function announceMerge(to: DataSource, selection: Selection, io: CliIO): Promise<void> {
  const held = selectStores(await discoverStores(to), { hosts: selection.hosts, perHost: selection.perHost });
  if (held.length === 0) return;
  const hosts = [...new Set(held.map((ref) => ref.host))].join(", ");
  io.err(
    `xmppstore migrate: ${to.label} already holds data (${hosts}): merging into it — a user's keyval data in a store is ` +
      "replaced by the source's, archive items with the same id are replaced, everything else is kept (--replace clears first)\n",
  );
}

function summaryText(report: MigrationReport, verified: VerifyReport | undefined, owner: string | undefined, warnings: readonly string[]): string {
  const lines = [
    `Migrated ${report.from} -> ${report.to} in ${report.seconds.toFixed(1)} s`,
    `  hosts:    ${report.hosts}`,
    `  users:    ${report.users}`,
    `  stores:   ${report.stores}`,
    `  items:    ${report.items} (${report.keyvalItems} keyval, ${report.archiveItems} archive)`,
    `  failures: ${report.failures.length}`,
    ...report.failures.map((f) => `    ${f.error}`),
    ...(report.roles ? rolesSummary(report.roles) : []),
    ...(report.notCarried.length > 0 ? [`  not carried (the target has no place for it): ${report.notCarried.length}`, ...notCarriedLines(report)] : []),
  ];
  if (warnings.length > 0) lines.push(`  warnings: ${warnings.length}`, ...warnings.map((w) => `    ${w}`));
  if (owner) lines.push(`  files:    new files owned by ${owner}`);
  const scope = report.notCarried.length > 0 ? ", comparing what both sides hold" : "";
  if (verified) lines.push(`  verify:   ${verified.equal ? `identical (${verified.stores} stores, ${verified.items} items compared${scope})` : `differs: ${describeDifference(verified.difference!)}`}`);
  return `${lines.join("\n")}\n`;
}

/** Stops at a safe point on SIGINT/SIGTERM (see main.ts). */
export const interruptible = true;

/** Exit status of a run stopped by a signal, as a shell reports it: 128 + the signal's number. */
const SIGNAL_STATUS: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * For --verify: the (store, user) pairs the target holds whole. Stores it has no place for, and
 * records it could carry only in part (listed as not carried), are left out of both dumps.
 */
function heldByTarget(to: DataSource, report: MigrationReport): DumpOptions["include"] {
  const partial = new Set(report.notCarried.map((n) => `${n.host}\0${n.store}\0${n.user ?? ""}`));
  return async (ref, user) => {
    const caps = (await unguardedBackend(to.manager, ref.host, ref.store)).backend.caps;
    if (!holdsStore(caps, ref.store, ref.type) || (user === null && caps?.holds?.hostWide === false)) return false;
    return !partial.has(`${ref.host}\0${ref.store}\0${user ?? ""}`);
  };
}

export async function run(options: MigrateCliOptions, io: CliIO): Promise<number> {
  const { from: fromSource, to: given, perHost } = resolveSources(options, io);
  // The target's backends are told too, so that they write that version's forms.
  const toSource = options.targetVersion ? { ...given, config: { ...given.config, prosody_version: options.targetVersion } } : given;
  if (sameStorage(fromSource, toSource)) throw new ConfigError(`source and target are the same storage (${fromSource.label}, ${toSource.label})`);
  checkSourceExists(fromSource);
  for (const notice of [...(fromSource.notices ?? []), ...(toSource.notices ?? [])]) io.err(`xmppstore: ${notice}\n`);
  const selection: Selection = { hosts: options.hosts, stores: options.stores, perHost };
  const warnings: string[] = [];
  const from = openSource(fromSource, { warn: (message) => void warnings.push(message) });
  let to = openSource(toSource, { role: "target" });
  try {
    await reach(from);
    await reach(to);
    if (options.replace) await replaceInTarget(from, to, selection, io);
    else await announceMerge(to, selection, io);
    const progress = options.quiet ? undefined : progressReporter({ write: io.err, isTTY: io.errIsTTY ?? false });
    let report: MigrationReport;
    try {
      report = await migrate({ from, to, selection, keepGoing: options.keepGoing, progress, signal: io.signal, targetVersion: options.targetVersion });
    } catch (error) {
      if (!(error instanceof MigrationInterrupted)) throw error;
      progress?.finish();
      const signal = String(io.signal?.reason ?? "SIGINT");
      io.err(`xmppstore migrate: interrupted after ${error.items} items; run the same command again to finish (${signal})\n`);
      return SIGNAL_STATUS[signal] ?? 130;
    } finally {
      progress?.finish();
    }
    const owner = to.owner;
    let verified: VerifyReport | undefined;
    if (options.verify) {
      // Read back what was written, through a read-only view opened afresh.
      await to.manager.close();
      to = openSource(toSource);
      // Only what was migrated (the source's stores in the selection): a target may hold more.
      verified = await verifySources(from, to, { selection, include: heldByTarget(to, report) });
    }
    if (options.json) await io.out(`${JSON.stringify({ ...report, warnings, ...(owner ? { owner: owner.description } : {}), ...(verified ? { verify: verified } : {}) }, null, 2)}\n`);
    else await io.out(summaryText(report, verified, owner?.description, warnings));
    if (verified && !verified.equal) {
      const d = verified.difference!;
      const side = (v: unknown) => (v === undefined ? "(nothing)" : JSON.stringify(v));
      io.err(`xmppstore: verify failed: ${describeDifference(d)}\n  source: ${side(d.from)}\n  target: ${side(d.to)}\n`);
      return 1;
    }
    if (report.failures.length > 0) {
      io.err(`xmppstore: ${report.failures.length} item(s) could not be migrated (see the summary)\n`);
      return 1;
    }
    return 0;
  } finally {
    await Promise.allSettled([from.manager.close(), to.manager.close()]);
  }
}
