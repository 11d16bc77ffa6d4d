import { resolve } from "node:path";
import {
  accountName,
  addAccount,
  changePassword,
  deleteUser,
  listAccounts,
  setAccountEnabled,
  type DeleteReport,
} from "../../jobs/accounts.js";
import { exportUser, type ExportReport } from "../../jobs/user-export.js";
import { parseArgs, required, UsageError, type ArgSpec } from "../args.js";
import type { CliIO } from "../io.js";
import { readPassword } from "../password.js";
import { table, withSource } from "./open.js";

export const usage = `Usage: xmppstore user list    --from SOURCE HOST [--json]
       xmppstore user add     --from SOURCE USER@HOST [--password-stdin]
       xmppstore user passwd  --from SOURCE USER@HOST [--password-stdin]
       xmppstore user delete  --from SOURCE USER@HOST [--json]
       xmppstore user disable --from SOURCE USER@HOST
       xmppstore user enable  --from SOURCE USER@HOST
       xmppstore user export  --from SOURCE USER@HOST --to DIR [--json]

Manages the accounts of a host as Prosody keeps them (mod_auth_internal_hashed, or
internal_plain where the configuration says authentication = "internal_plain"),
with the hash, iteration count and store a prosody: SOURCE's configuration gives.

  list     the accounts of HOST, and whether each is enabled
  add      creates an account; the password is asked for on the terminal (twice,
           not echoed) or read from the first line of stdin with --password-stdin,
           never from the command line
  passwd   sets a new password (read as for add)
  delete   removes the account and everything stored for the user on that host, in
           every store of every backend the host uses (as prosodyctl deluser), then
           checks that nothing is left and says what it removed, store by store
  disable  marks the account disabled as Prosody 13 does (disabled = true); it can no
           longer log in to Prosody 13 (Prosody 0.12 ignores the mark)
  enable   clears the mark
  export   writes everything stored for the user on that host, in every store of
           every backend, into DIR: USER@HOST.dump.json, the canonical dump
           (private file, never overwritten); says which stores it covered.
           The XEP-0227 file is not written yet: this build has no XEP-0227 writer

Options:
  --from SOURCE       internal:DIR | sqlite:FILE | postgres://… | mysql://… | prosody:FILE
  --password-stdin    read the password from stdin's first line
  --to DIR            where export writes (created if missing)
  --json              print the result as JSON (list, delete, export)
  -q, --quiet         accepted for symmetry; these commands print no progress
  -h, --help          show this help

Exit status: 0 done, 1 failed (no such account, data left after delete, …), 2 bad usage.
`;

const ACTIONS = ["list", "add", "passwd", "delete", "disable", "enable", "export"] as const;
type Action = (typeof ACTIONS)[number];

export interface UserCliOptions {
  action: Action;
  from: string;
  /** HOST for list, USER@HOST otherwise. */
  target: string;
  passwordStdin: boolean;
  json: boolean;
  /** export's directory. */
  to?: string;
}

const spec: ArgSpec = {
  options: { from: "value", "password-stdin": "flag", json: "flag", quiet: "flag", to: "value" },
  short: { q: "quiet" },
  positional: { min: 2, max: 2, names: ["ACTION", "USER@HOST"] },
};

export function parse(argv: string[]): UserCliOptions {
  const args = parseArgs(argv, spec);
  const [action, target] = args.positional as [string, string];
  if (!(ACTIONS as readonly string[]).includes(action)) {
    throw new UsageError(`unknown action ${JSON.stringify(action)} (expected ${ACTIONS.join(", ")})`);
  }
  const passwordStdin = args.flags.has("password-stdin");
  if (passwordStdin && action !== "add" && action !== "passwd") throw new UsageError(`--password-stdin is for add and passwd`);
  const to = args.values.get("to");
  if ((to === undefined) !== (action !== "export")) throw new UsageError(action === "export" ? "--to is required" : "--to is for export");
  return { action: action as Action, from: required(args, "from"), target, passwordStdin, json: args.flags.has("json"), to };
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

function deleteText(report: DeleteReport): string {
  const lines = [`deleted ${report.jid}${report.account ? "" : " (there was no account, only data)"}:`];
  for (const s of report.removed) {
    const what = s.type === "archive" ? plural(s.items, "archived item") : `a record of ${plural(s.items, "key")}`;
    lines.push(`  ${s.store} (${s.type} store, ${s.backend}): ${what}`);
  }
  lines.push("checked: nothing is left for this user on this host");
  return `${lines.join("\n")}\n`;
}

function exportText(report: ExportReport): string {
  const lines = [`exported ${report.jid}: ${report.items} records and items from ${report.stores.length} stores`];
  for (const s of report.stores) lines.push(`  ${s.store} (${s.type} store, ${s.backend}): ${plural(s.items, s.type === "archive" ? "item" : "key")}`);
  lines.push(`dump: ${report.dump}`);
  lines.push(`xep0227: ${report.xep0227.file}`);
  for (const n of report.xep0227.notCarried) lines.push(`  not in the XEP-0227 file (kept in the dump): ${n.store}: ${n.what}`);
  return `${lines.join("\n")}\n`;
}

export async function run(options: UserCliOptions, io: CliIO): Promise<number> {
  if (options.action === "list") {
    const accounts = await withSource(options.from, io, (source) => listAccounts(source, options.target.toLowerCase()));
    const rows = [["USER", "STATUS"], ...accounts.map((a) => [a.user, a.enabled ? "enabled" : "disabled"])];
    await io.out(options.json ? `${JSON.stringify(accounts, null, 2)}\n` : table(rows));
    return 0;
  }
  const name = accountName(options.target);
  const jid = `${name.user}@${name.host}`;
  // The password is asked for before opening the source, so a prompt does not hold a database connection.
  const password =
    options.action === "add" || options.action === "passwd"
      ? await readPassword(io, { fromStdin: options.passwordStdin, confirm: true })
      : undefined;
  await withSource(options.from, io, async (source) => {
    switch (options.action) {
      case "add":
        await addAccount(source, name, password!);
        return io.out(`created account ${jid}\n`);
      case "passwd":
        await changePassword(source, name, password!);
        return io.out(`changed the password of ${jid}\n`);
      case "disable":
        return io.out((await setAccountEnabled(source, name, false)) ? `disabled ${jid}\n` : `${jid} was already disabled\n`);
      case "enable":
        return io.out((await setAccountEnabled(source, name, true)) ? `${jid} was already enabled\n` : `enabled ${jid}\n`);
      case "export": {
        const report = await exportUser(source, name, resolve(io.cwd ?? process.cwd(), options.to!));
        return io.out(options.json ? `${JSON.stringify(report, null, 2)}\n` : exportText(report));
      }
      case "delete": {
        const report = await deleteUser(source, name);
        return io.out(options.json ? `${JSON.stringify(report, null, 2)}\n` : deleteText(report));
      }
    }
  });
  return 0;
}
