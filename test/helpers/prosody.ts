/**
 * The real-Prosody harness: runs Prosody 0.12's own storage layer (Debian's `prosody` package,
 * Lua sources in /usr/lib/prosody) through test/interop/harness/storage.lua with /usr/bin/lua5.4.
 * It is the only proof that xmppstore reads what Prosody writes and writes what Prosody reads.
 *
 * Typical use in a test (see test/interop/harness/*.test.ts for complete examples):
 *
 * ```ts
 * import { needService } from "../helpers/services.js";
 * import { prosodyAvailable, ProsodyBatch } from "../helpers/prosody.js";
 * import { makeProsodyEnv } from "../helpers/prosody-env.js";
 *
 * test("xmppstore reads Prosody's roster", async (t) => {
 *   if (!needService(t, "prosody", prosodyAvailable(), "apt-get install prosody lua5.4")) return;
 *   const env = await makeProsodyEnv("sqlite", ["example.com"]);   // or "internal", "postgres", "mysql"
 *   t.after(() => env.cleanup());
 *   const p = new ProsodyBatch(env.setup);                         // many operations, one lua5.4 process
 *   p.keyvalSet("example.com", "roster", "juliet", roster);
 *   const id = p.archiveAppend("example.com", "archive", "juliet", { value: stanza, when: 1700000000, with: "romeo@x" });
 *   await p.run();                                                 // throws if any operation failed
 *   console.log(await id);
 *   const sm = new StorageManager(env.xmppstoreConfig);            // the same data, seen by xmppstore
 * });
 * ```
 *
 * `runProsody(request)` is the raw interface: a request names the data path, the hosts with their
 * Prosody options, and a list of operations (ProsodyOp); stored values cross in the dump format's
 * VALUE encoding (src/format/dump/value.ts), so Lua-only shapes (roster `[false]` keys, byte
 * strings, 64-bit integers, inf/nan, stanzas) survive exactly. Each run starts one lua5.4
 * process (~50-100 ms): batch operations rather than running one process per operation.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { commandWorks } from "./services.js";
import type { SqlOptions } from "../../src/contracts/index.js";

export const LUA = "/usr/bin/lua5.4";
export const PROSODY_SOURCES = "/usr/lib/prosody";
/** The Lua script that drives Prosody's storagemanager. */
export const HARNESS_SCRIPT = fileURLToPath(new URL("../interop/harness/storage.lua", import.meta.url));

/** Prosody's `sql` option, the same as ours. Give SQLite3 databases as absolute paths. */
export type ProsodySqlOptions = SqlOptions;

/** Options of one Prosody host, named as in prosody.cfg.lua. Values cross as dump VALUEs. */
export interface ProsodyHostOptions {
  storage?: string | Record<string, string>;
  default_storage?: string;
  sql?: ProsodySqlOptions;
  storage_archive_item_limit?: number;
  [option: string]: unknown;
}

/** Where Prosody keeps its data for a test: the data directory and the hosts' options. */
export interface ProsodySetup {
  /** Absolute path; Prosody's `data_path` (internal files; relative SQLite paths resolve here). */
  dataPath: string;
  hosts: Record<string, ProsodyHostOptions>;
  /** Global options (`*` section). */
  options?: Record<string, unknown>;
}

/** One operation as storage.lua reads it (see prosody-ops.ts for typed builders). */
export interface ProsodyOp {
  op: string;
  [field: string]: unknown;
}

/** What storage.lua answers for one operation. Stored values are dump VALUE JSON. */
export interface ProsodyOpResult {
  ok: boolean;
  error?: string;
  condition?: string;
  [field: string]: unknown;
}

export interface ProsodyRequest {
  data_path: string;
  hosts: Record<string, ProsodyHostOptions>;
  options?: Record<string, unknown>;
  ops: ProsodyOp[];
}

export interface ProsodyResponse {
  results: ProsodyOpResult[];
  /** Prosody's own warn/error log lines, in order. */
  log: string[];
}

/** The harness could not run at all (boot failure, bad request, crash). */
export class ProsodyHarnessError extends Error {
  constructor(message: string, readonly stderr = "", readonly log: string[] = []) {
    super(message);
    this.name = "ProsodyHarnessError";
  }
}

let available: boolean | undefined;

/** True when lua5.4 and Prosody's sources are installed (Debian: `apt-get install prosody`). */
export function prosodyAvailable(): boolean {
  available ??= existsSync(LUA) && existsSync(`${PROSODY_SOURCES}/core/storagemanager.lua`) && existsSync(HARNESS_SCRIPT);
  return available;
}

const dbdModules = { SQLite3: "sqlite3", PostgreSQL: "postgresql", MySQL: "mysql" } as const;
const dbdAvailable = new Map<string, boolean>();

/**
 * True when Prosody can use that SQL driver (LuaDBI's module: lua-dbi-sqlite3,
 * lua-dbi-postgresql, lua-dbi-mysql). Says nothing about the database server itself.
 */
export function prosodySqlDriverAvailable(driver: ProsodySqlOptions["driver"]): boolean {
  if (!prosodyAvailable()) return false;
  let known = dbdAvailable.get(driver);
  if (known === undefined) {
    known = commandWorks(LUA, ["-e", `require "DBI"; assert(require "dbd.${dbdModules[driver]}")`]);
    dbdAvailable.set(driver, known);
  }
  return known;
}

function lastLine(text: string): string {
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  return lines[lines.length - 1] ?? "";
}

/**
 * Runs one request in one lua5.4 process and returns Prosody's answers, one per operation, in
 * order. Failed operations are reported in their result (`ok: false`), not thrown; the promise
 * rejects with {@link ProsodyHarnessError} only when the harness itself fails.
 */
export function runProsody(request: ProsodyRequest): Promise<ProsodyResponse> {
  return new Promise((resolve, reject) => {
    const child = spawn(LUA, [HARNESS_SCRIPT], { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", (error) => reject(new ProsodyHarnessError(`cannot start ${LUA}: ${error.message}`)));
    child.on("close", (code, signal) => {
      const stdout = Buffer.concat(out).toString("utf8");
      const stderr = Buffer.concat(err).toString("utf8");
      let response: { ok?: boolean; error?: string; results?: ProsodyOpResult[]; log?: string[] };
      try {
        response = JSON.parse(lastLine(stdout));
      } catch {
        reject(new ProsodyHarnessError(`storage.lua exited with ${signal ?? code} and no response: ${stderr || stdout}`, stderr));
        return;
      }
      const log = response.log ?? [];
      if (!response.ok || code !== 0 || !Array.isArray(response.results)) {
        const why = response.error ?? `exit status ${signal ?? code}`;
        reject(new ProsodyHarnessError(`Prosody harness failed: ${why}${log.length ? `\nProsody log:\n${log.join("\n")}` : ""}${stderr ? `\n${stderr}` : ""}`, stderr, log));
        return;
      }
      resolve({ results: response.results, log });
    });
    child.stdin.on("error", () => undefined); // a crashed child is reported by "close"
    child.stdin.end(JSON.stringify(request));
  });
}

export * from "./prosody-ops.js";
