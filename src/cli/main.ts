#!/usr/bin/env node
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { packageVersion } from "../version.js";

/** Where a command writes: results to `out`, progress and errors to `err`. */
export interface CliIO {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const USAGE = `Usage: xmppstore <command> [options]

Moves and inspects the data of Prosody-compatible XMPP servers: Prosody's data
directories (internal:DIR), SQLite files (sqlite:FILE), PostgreSQL and MySQL
databases (postgres://…, mysql://…) and Prosody configuration files (prosody:FILE).

Commands:
  migrate   copy data from one SOURCE to another
  dump      print everything a SOURCE holds as canonical JSON
  ls        list hosts, stores and users of a SOURCE
  get       print one user's data

Options:
  --help     show this help (also: xmppstore <command> --help)
  --version  print the version
`;

/** Runs the command line and returns the exit status: 0 success, 1 failure, 2 bad usage. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const [first] = argv;
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    io.out(USAGE);
    return first === undefined ? 2 : 0;
  }
  if (first === "--version" || first === "-V") {
    io.out(`${packageVersion()}\n`);
    return 0;
  }
  io.err(`xmppstore: unknown command ${JSON.stringify(first)}\n\n${USAGE}`);
  return 2;
}

function isEntryPoint(): boolean {
  try {
    return realpathSync(process.argv[1] ?? "") === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const io: CliIO = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };
  main(process.argv.slice(2), io).then(
    (status) => (process.exitCode = status),
    (error: unknown) => {
      io.err(`xmppstore: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
