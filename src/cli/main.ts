#!/usr/bin/env -S node --max-old-space-size=320 --max-semi-space-size=4
// The heap limit keeps V8 from letting garbage pile up to several hundred MB during long
// migrations (the live heap stays near 50 MB): peak memory stays under 300 MB. Run
// `node --max-old-space-size=N dist/src/cli/main.js …` to allow more. The 4 MB semi-spaces
// (V8's default is 16 MB) keep short-lived garbage, of which a migration makes plenty, from
// adding ~35 MB to the peak; it measured no slower (1 MB saved 10 MB more but was 20% slower).
import { once } from "node:events";
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../config/errors.js";
import { packageVersion } from "../version.js";
import { UsageError } from "./args.js";
import * as check from "./commands/check.js";
import * as dump from "./commands/dump.js";
import * as get from "./commands/get.js";
import * as ls from "./commands/ls.js";
import * as migrate from "./commands/migrate.js";
import * as upgradeSchema from "./commands/upgrade-schema.js";
import * as prune from "./commands/prune.js";
import * as stats from "./commands/stats.js";
import * as user from "./commands/user.js";
import type { CliIO } from "./io.js";

export type { CliIO } from "./io.js";

/** A subcommand: its help text, argv → options, and the work. */
interface Command<T> {
  usage: string;
  /** True when `run` watches `io.signal` and stops at a safe point; other commands just exit. */
  interruptible?: boolean;
  parse(argv: string[]): T;
  run(options: T, io: CliIO): Promise<number>;
}

/** A command with its options type hidden: parsing and running happen together. */
interface Runnable {
  usage: string;
  interruptible: boolean;
  exec(argv: string[], io: CliIO): Promise<number>;
}

function runnable<T>(command: Command<T>): Runnable {
  return { usage: command.usage, interruptible: command.interruptible === true, exec: (argv, io) => command.run(command.parse(argv), io) };
}

const COMMANDS = {
  migrate: runnable(migrate),
  dump: runnable(dump),
  ls: runnable(ls),
  get: runnable(get),
  "upgrade-schema": runnable(upgradeSchema),
  user: runnable(user),
  prune: runnable(prune),
  stats: runnable(stats),
  check: runnable(check),
} satisfies Record<string, Runnable>;

function isCommand(name: string): name is keyof typeof COMMANDS {
  return Object.hasOwn(COMMANDS, name);
}

const USAGE = `Usage: xmppstore <command> [options]

Moves and inspects the data of Prosody-compatible XMPP servers: Prosody's data
directories (internal:DIR), SQLite files (sqlite:FILE), PostgreSQL and MySQL
databases (postgres://…, mysql://…) and Prosody configuration files (prosody:FILE).

Commands:
  migrate   copy data from one SOURCE to another
  dump      print everything a SOURCE holds as canonical JSON
  ls        list hosts, stores and users of a SOURCE
  get       print one user's data
  upgrade-schema
            upgrade Prosody 0.12's SQL schema to 13's (--dry-run says what it would do)
  check     find (and with --repair fix) damage and drift from Prosody's layout and schema
  prune     delete archived items older than a period (or as Prosody is configured)
  stats     per host: accounts, users, stores, items, bytes, largest archives
  user      list, add, delete, disable and enable accounts; change passwords

SOURCE examples (parts in [] are optional; relative paths are taken from the
current directory; percent-encode @ : / ? # % in a user name or password):
  internal:/var/lib/prosody        internal:./data
  sqlite:/var/lib/prosody/prosody.sqlite
  postgres://prosody[:PASSWORD]@db.example[:5432]/prosody[?sslmode=require]
  mysql://prosody@127.0.0.1/prosody   (password from MYSQL_PWD; PGPASSWORD for postgres)
  prosody:/etc/prosody/prosody.cfg.lua

Options:
  --help     show this help (also: xmppstore <command> --help)
  --version  print the version

Exit status: 0 success, 1 a failure during the work, 2 bad usage or configuration.
`;

/** The "Usage:" lines of a command's help, without the description and options. */
function usageLines(help: string): string {
  return `${help.split("\n\n")[0]}\n`;
}

/** Runs the command line and returns the exit status: 0 success, 1 failure, 2 bad usage or configuration. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    if (first === "help" && rest[0] && isCommand(rest[0])) {
      await io.out(COMMANDS[rest[0]].usage);
      return 0;
    }
    await io.out(USAGE);
    return first === undefined ? 2 : 0;
  }
  if (first === "--version" || first === "-V") {
    await io.out(`${packageVersion()}\n`);
    return 0;
  }
  if (!isCommand(first)) {
    io.err(`xmppstore: unknown command ${JSON.stringify(first)}\n\n${USAGE}`);
    return 2;
  }
  const command = COMMANDS[first];
  const optionsEnd = rest.indexOf("--");
  const optionArgs = optionsEnd < 0 ? rest : rest.slice(0, optionsEnd);
  if (optionArgs.includes("--help") || optionArgs.includes("-h")) {
    await io.out(command.usage);
    return 0;
  }
  try {
    return await command.exec(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`xmppstore ${first}: ${error.message}\n\n${usageLines(command.usage)}Run "xmppstore ${first} --help" for the options.\n`);
      return 2;
    }
    if (error instanceof ConfigError) {
      io.err(`xmppstore ${first}: ${error.message}\n`);
      return 2;
    }
    io.err(`xmppstore ${first}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

function isEntryPoint(): boolean {
  try {
    return realpathSync(process.argv[1] ?? "") === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

/** Exit status after a signal, as shells report it: 128 + its number. */
const SIGNALS = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * Ctrl-C and SIGTERM: a command that can stop at a safe point is asked to (the first time);
 * any other, or a second signal, ends the process at once with 128 + the signal's number.
 */
function onSignals(controller: AbortController, interruptible: boolean): void {
  for (const [name, status] of Object.entries(SIGNALS)) {
    process.on(name, () => {
      if (!interruptible || controller.signal.aborted) process.exit(status);
      controller.abort(name);
    });
  }
}

if (isEntryPoint()) {
  const controller = new AbortController();
  const name = process.argv[2];
  onSignals(controller, name !== undefined && isCommand(name) && COMMANDS[name].interruptible);
  const io: CliIO = {
    signal: controller.signal,
    out: (text) => (process.stdout.write(text) ? undefined : once(process.stdout, "drain").then(() => undefined)),
    err: (text) => void process.stderr.write(text),
    errIsTTY: process.stderr.isTTY === true,
  };
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    // `xmppstore dump | head`: the reader went away; stop quietly.
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
  main(process.argv.slice(2), io).then(
    (status) => (process.exitCode = status),
    (error: unknown) => {
      io.err(`xmppstore: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
