import { listHosts, listStores, listUsers } from "../../jobs/inspect.js";
import { openForReading } from "../read-source.js";
import { parseArgs, required, UsageError, type ArgSpec } from "../args.js";
import type { CliIO } from "../io.js";
import { table } from "./open.js";

export const usage = `Usage: xmppstore ls --from SOURCE [HOST [STORE]] [--json]
       xmppstore ls --from SOURCE [--host HOST [--store STORE]] [--json]

Lists what SOURCE holds: without HOST its hosts (stores, users, items); with HOST
that host's stores (type, users, items); with HOST STORE the users of that store
with their items (and a keyval record's top-level keys). Host-wide data is listed
as the user "". Items count as migrate's summary does: each user's keyval record in
a store is 1 item, each archive item is 1, so ls totals equal what migrate moves.

Options:
  --from SOURCE   internal:DIR | sqlite:FILE | postgres://… | mysql://… | prosody:FILE
  --host HOST     the host to list (as the HOST argument)
  --store STORE   the store to list (as the STORE argument)
  --json          print JSON instead of a table
  -h, --help      show this help
`;

export interface LsCliOptions {
  from: string;
  host?: string;
  store?: string;
  json: boolean;
}

const spec: ArgSpec = { options: { from: "value", json: "flag", host: "value", store: "value" }, positional: { min: 0, max: 2, names: ["HOST", "STORE"] } };

export function parse(argv: string[]): LsCliOptions {
  const args = parseArgs(argv, spec);
  // --host and --store as the other commands take them, or HOST [STORE] as arguments.
  const host = args.values.get("host");
  const store = args.values.get("store");
  if (host !== undefined && args.positional.length > 0) throw new UsageError("give the host as --host HOST or as an argument, not both");
  if (store !== undefined && args.positional.length > 1) throw new UsageError("give the store as --store STORE or as an argument, not both");
  const positional = host === undefined ? args.positional : [host, ...args.positional];
  if (store !== undefined) positional[1] = store;
  if (positional[1] !== undefined && positional[0] === undefined) throw new UsageError("--store needs a host (--host HOST)");
  return { from: required(args, "from"), host: positional[0], store: positional[1], json: args.flags.has("json") };
}


export async function run(options: LsCliOptions, io: CliIO): Promise<number> {
  const source = await openForReading(options.from, io);
  try {
    let rows: string[][];
    let json: unknown;
    if (options.host === undefined) {
      const hosts = await listHosts(source);
      json = hosts;
      rows = [["HOST", "STORES", "USERS", "ITEMS"], ...hosts.map((h) => [h.host, String(h.stores), String(h.users), String(h.items)])];
    } else if (options.store === undefined) {
      const stores = await listStores(source, { hosts: [options.host] });
      json = stores;
      rows = [["STORE", "TYPE", "USERS", "ITEMS"], ...stores.map((s) => [s.store, s.type, String(s.users), String(s.items)])];
    } else {
      const users = [];
      for (const type of ["keyval", "archive"] as const) {
        users.push(...(await listUsers(source, { host: options.host, store: options.store, type })));
      }
      json = users.map((u) => ({ ...u, user: u.user ?? "" }));
      // KEYS only where there are keyval records to count them in.
      const keys = users.some((u) => u.keys !== undefined);
      rows = [["USER", "TYPE", "ITEMS", ...(keys ? ["KEYS"] : [])], ...users.map((u) => [JSON.stringify(u.user ?? ""), u.type, String(u.items), ...(keys ? [u.keys === undefined ? "-" : String(u.keys)] : [])])];
    }
    await io.out(options.json ? `${JSON.stringify(json, null, 2)}\n` : table(rows));
    return 0;
  } finally {
    await source.manager.close();
  }
}
