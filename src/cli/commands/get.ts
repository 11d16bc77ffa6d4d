import { writeUserData } from "../../jobs/get.js";
import { openForReading } from "../read-source.js";
import { similarNames } from "../../jobs/inspect.js";
import { parseArgs, UsageError, type ArgSpec } from "../args.js";
import type { CliIO } from "../io.js";

export const usage = `Usage: xmppstore get --from SOURCE HOST STORE USER [--type keyval|archive]

Prints one user's data in one store as canonical JSON: {"archive": [ITEM…],
"keyval": VALUE}, in the encodings of the dump format; a part with no data is left
out. USER "" means the host-wide data (Prosody's nil user).

Options:
  --from SOURCE   internal:DIR | sqlite:FILE | postgres://… | mysql://… | prosody:FILE
  --type TYPE     only the keyval or only the archive store of that name
  -h, --help      show this help
`;

export interface GetCliOptions {
  from: string;
  host: string;
  store: string;
  /** `null` for host-wide data. */
  user: string | null;
  type?: "keyval" | "archive";
}

const spec: ArgSpec = { options: { from: "value", type: "value" }, positional: { min: 3, max: 3, names: ["HOST", "STORE", "USER"] } };

export function parse(argv: string[]): GetCliOptions {
  const args = parseArgs(argv, spec);
  const from = args.values.get("from");
  if (from === undefined) throw new UsageError("--from is required");
  const type = args.values.get("type");
  if (type !== undefined && type !== "keyval" && type !== "archive") throw new UsageError(`--type must be keyval or archive, got ${JSON.stringify(type)}`);
  const [host, store, user] = args.positional;
  if (host === "") throw new UsageError("HOST must not be empty");
  if (store === "") throw new UsageError("STORE must not be empty");
  return { from, host, store, user: user === "" ? null : user, type };
}

export async function run(options: GetCliOptions, io: CliIO): Promise<number> {
  const source = await openForReading(options.from, io);
  try {
    const found = await writeUserData(source, options.host, options.store, options.user, io.out, { type: options.type });
    if (!found) {
      io.err(`xmppstore: nothing stored for ${options.user === null ? "host-wide data" : JSON.stringify(options.user)} in ${options.host}/${options.store}\n`);
      const { hosts, users } = await similarNames(source, options.host, options.store, options.user);
      const hints = [...hosts.map((h) => `host ${JSON.stringify(h)}`), ...users.map((u) => `user ${JSON.stringify(u)}`)];
      if (hints.length > 0) io.err(`xmppstore: names differ only by case or preparation; did you mean ${hints.join(" or ")}?\n`);
    }
    return 0;
  } finally {
    await source.manager.close();
  }
}
