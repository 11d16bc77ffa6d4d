import type { StoreSpec } from "../../config/store-spec.js";
import { dump } from "../../jobs/dump.js";
import { openForReading } from "../read-source.js";
import { parseArgs, required, type ArgSpec } from "../args.js";
import type { CliIO } from "../io.js";
import { storeOptions } from "./store-options.js";

export const usage = `Usage: xmppstore dump --from SOURCE [--host HOST]… [--store S[:TYPE]]…

Writes everything SOURCE holds as one canonical JSON document on stdout (format
"xmppstore-dump/1"): the same data gives the same bytes whatever held it, so two
sources can be compared with diff. Archives are streamed, not held in memory.

Options:
  --from SOURCE       internal:DIR | sqlite:FILE | postgres://… | mysql://… | prosody:FILE
  --host HOST         only this host (repeatable)
  --store S[:TYPE]    only this store, TYPE keyval, map, archive or pubsub (repeatable)
  -h, --help          show this help
`;

export interface DumpCliOptions {
  from: string;
  hosts: string[];
  stores: StoreSpec[];
}

const spec: ArgSpec = { options: { from: "value", host: "list", store: "list" }, positional: { min: 0, max: 0, names: [] } };

export function parse(argv: string[]): DumpCliOptions {
  const args = parseArgs(argv, spec);
  return { from: required(args, "from"), hosts: args.lists.get("host") ?? [], stores: storeOptions(args.lists.get("store")) };
}

export async function run(options: DumpCliOptions, io: CliIO): Promise<number> {
  const source = await openForReading(options.from, io);
  try {
    await dump(source, io.out, { selection: { hosts: options.hosts, stores: options.stores } });
    return 0;
  } finally {
    await source.manager.close();
  }
}
