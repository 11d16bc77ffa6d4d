import { stats, LARGEST_ARCHIVES, type HostStats } from "../../jobs/stats.js";
import { parseArgs, required, type ArgSpec } from "../args.js";
import type { CliIO } from "../io.js";
import { withProgress } from "../progress.js";
import { isoSeconds, table, withSource } from "./open.js";

export const usage = `Usage: xmppstore stats --from SOURCE [--host H]… [--json] [--quiet]

Reads everything SOURCE holds once and prints, per host: accounts, users with data,
stores, items and bytes (the data's size in the canonical dump encoding, the same
whatever backend holds it, but for archive ids each backend makes its own way), each store's users, items and bytes with the oldest and
newest item of every archive store, and the ${LARGEST_ARCHIVES} largest archives (store and user).

Options:
  --from SOURCE   internal:DIR | sqlite:FILE | postgres://… | mysql://… | prosody:FILE
  --host H        only this host (repeatable)
  --json          print JSON instead of tables
  -q, --quiet     no progress on stderr
  -h, --help      show this help
`;

export interface StatsCliOptions {
  from: string;
  hosts: string[];
  json: boolean;
  quiet: boolean;
}

const spec: ArgSpec = { options: { from: "value", host: "list", json: "flag", quiet: "flag" }, short: { q: "quiet" }, positional: { min: 0, max: 0, names: [] } };

export function parse(argv: string[]): StatsCliOptions {
  const args = parseArgs(argv, spec);
  return { from: required(args, "from"), hosts: (args.lists.get("host") ?? []).map((h) => h.toLowerCase()), json: args.flags.has("json"), quiet: args.flags.has("quiet") };
}

const day = (when: number | undefined) => (when === undefined ? "" : isoSeconds(when));

function hostText(h: HostStats): string {
  const head = `${h.host}: ${h.accounts} accounts, ${h.users} users with data, ${h.stores.length} stores, ${h.items} items, ${h.bytes} bytes\n`;
  const stores = table([
    ["  STORE", "TYPE", "USERS", "ITEMS", "BYTES", "OLDEST", "NEWEST"],
    ...h.stores.map((s) => [`  ${s.store}`, s.type, String(s.users), String(s.items), String(s.bytes), day(s.oldest), day(s.newest)]),
  ]);
  const largest = h.largest.length === 0 ? "" : `  largest archives:\n${table([["    STORE", "USER", "ITEMS", "BYTES"], ...h.largest.map((a) => [`    ${a.store}`, a.user === null ? "(host)" : a.user, String(a.items), String(a.bytes)])])}`;
  return `${head}${stores}${largest}`;
}

export async function run(options: StatsCliOptions, io: CliIO): Promise<number> {
  const hosts = await withSource(options.from, io, (source) => withProgress(io, options.quiet, "reading", (progress) => stats(source, { selection: { hosts: options.hosts }, progress })));
  await io.out(options.json ? `${JSON.stringify(hosts, null, 2)}\n` : hosts.map(hostText).join("\n") || "no data\n");
  return 0;
}
