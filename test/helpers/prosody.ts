/**
 * The real-Prosody harness: runs Prosody's own storage layer through
 * test/interop/harness/storage.lua with /usr/bin/lua5.4, for either version xmppstore serves:
 * Debian's 0.12.3 (`prosody` package, Lua sources in /usr/lib/prosody) or 13.0.1 built from
 * /work/shared/prosody13 (`build.sh`, into ~/.cache/prosody13 or $XS_PROSODY13). A setup's
 * `version` picks one ("0.12" when absent); tests loop over {@link PROSODY_VERSIONS}.
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
 *   const env = await makeProsodyEnv("sqlite", ["example.com"], {}, "13"); // or "internal", "postgres", "mysql"; "0.12"
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
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { commandWorks } from "./services.js";
import type { ProsodyVersion, SqlOptions } from "../../src/contracts/index.js";

export const LUA = "/usr/bin/lua5.4";

/** The Prosody versions the interop tests run against (Debian's 0.12.3 and a built 13.0.1): those xmppstore writes. */
export { PROSODY_VERSIONS } from "../../src/contracts/index.js";
export type { ProsodyVersion } from "../../src/contracts/index.js";

/** Where each version's Lua sources are (13: a source-tree build by /work/shared/prosody13/build.sh). */
export function prosodySourceDir(version: ProsodyVersion): string {
  return version === "0.12" ? "/usr/lib/prosody" : (process.env.XS_PROSODY13 ?? join(homedir(), ".cache", "prosody13"));
}

/** The environment for a Lua process that boots that version (boot.lua and Prosody's launchers read it). */
export function prosodyProcessEnv(version: ProsodyVersion): NodeJS.ProcessEnv {
  const dir = prosodySourceDir(version);
  return { ...process.env, PROSODY_SRCDIR: dir, PROSODY_PLUGINDIR: join(dir, version === "0.12" ? "modules" : "plugins") };
}
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
  /** Which Prosody reads and writes it; "0.12" when absent. */
  version?: ProsodyVersion;
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

const available = new Map<ProsodyVersion, boolean>();

function installedVersion(dir: string): string | undefined {
  try {
    return readFileSync(join(dir, "prosody.version"), "utf8").trim();
  } catch {
    return undefined;
  }
}

/**
 * True when lua5.4 and that version's sources are there (0.12: `apt-get install prosody`;
 * 13: `bash /work/shared/prosody13/build.sh`), checked by the version file they carry.
 */
export function prosodyAvailable(version: ProsodyVersion = "0.12"): boolean {
  let known = available.get(version);
  if (known === undefined) {
    const dir = prosodySourceDir(version);
    known = existsSync(LUA) && existsSync(join(dir, "core", "storagemanager.lua")) && (installedVersion(dir)?.startsWith(`${version}.`) ?? false);
    available.set(version, known);
  }
  return known;
}

/** How to get that version onto this machine, for skip and CI messages. */
export function prosodyInstallHint(version: ProsodyVersion): string {
  return version === "0.12" ? "apt-get install prosody lua5.4" : "bash /work/shared/prosody13/build.sh (or set XS_PROSODY13)";
}

const dbdModules = { SQLite3: "sqlite3", PostgreSQL: "postgresql", MySQL: "mysql" } as const;
const dbdAvailable = new Map<string, boolean>();

/**
 * True when Prosody can use that SQL driver (LuaDBI's module: lua-dbi-sqlite3,
 * lua-dbi-postgresql, lua-dbi-mysql). Says nothing about the database server itself.
 */
export function prosodySqlDriverAvailable(driver: ProsodySqlOptions["driver"]): boolean {
  if (!existsSync(LUA)) return false;
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
 * Runs one request in one lua5.4 process of that Prosody version and returns its answers, one
 * per operation, in order. Failed operations are reported in their result (`ok: false`), not thrown; the promise
 * rejects with {@link ProsodyHarnessError} only when the harness itself fails.
 */
export function runProsody(request: ProsodyRequest, version: ProsodyVersion = "0.12"): Promise<ProsodyResponse> {
  return new Promise((resolve, reject) => {
    const child = spawn(LUA, [HARNESS_SCRIPT], { stdio: ["pipe", "pipe", "pipe"], env: prosodyProcessEnv(version) });
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
