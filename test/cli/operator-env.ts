// A deployment for the operator command tests: a prosody.cfg.lua over a fresh data directory,
// SQLite file, PostgreSQL or MySQL database, usable as `prosody:FILE` by xmppstore and as
// `--config FILE` by prosodyctl.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { main } from "../../src/cli/main.js";
import type { CliIO } from "../../src/cli/io.js";
import { needService } from "../helpers/services.js";
import type { ProsodyVersion } from "../helpers/prosody.js";
import { makeProsodyEnv, mysqlReachable, postgresReachable, type ProsodyEnv, type ProsodyEnvKind } from "../helpers/prosody-env.js";
import { captureIO } from "./io.js";

export const KINDS = ["internal", "sqlite", "postgres", "mysql"] as const satisfies ProsodyEnvKind[];

export interface OperatorEnv {
  env: ProsodyEnv;
  /** The configuration file. */
  cfg: string;
  /** `prosody:` + cfg. */
  from: string;
  /** The SOURCE without the configuration: `internal:DIR`, `sqlite:FILE`, or a database URL. */
  direct: string;
  /** Runs `fn` with a manager over the same storage (plus `global`), closed afterwards (it locks a data directory). */
  withManager<T>(fn: (sm: StorageManager) => Promise<T>, options?: Record<string, unknown>): Promise<T>;
}

function lua(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `{ ${value.map(lua).join(", ")} }`;
  return `{ ${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k} = ${lua(v)}`).join("; ")} }`;
}

/**
 * An environment of `kind` with one prosody.cfg.lua: `global` options, then one VirtualHost per
 * entry of `hosts` with its options (a `component` option makes it a Component of that module).
 * `version` is the Prosody the environment's `setup` is for (the interop tests).
 * Skipped on a laptop without the database server, a failure in CI.
 */
export async function operatorEnv(
  t: TestContext,
  kind: ProsodyEnvKind,
  hosts: Record<string, Record<string, unknown>>,
  global: Record<string, unknown> = {},
  version: ProsodyVersion = "0.12",
): Promise<OperatorEnv | undefined> {
  if (kind === "postgres" && !needService(t, "postgres", await postgresReachable())) return undefined;
  if (kind === "mysql" && !needService(t, "mysql", await mysqlReachable())) return undefined;
  const env = await makeProsodyEnv(kind, Object.keys(hosts), {}, version);
  t.after(() => env.cleanup());
  const cfg = join(env.setup.dataPath, "prosody.cfg.lua");
  const lines = [
    `data_path = ${lua(env.setup.dataPath)}`,
    // prosodyctl run as root switches to prosody_user; the temp directory is root's.
    `prosody_user = "root"; prosody_group = "root"`,
    `pidfile = ${lua(join(env.setup.dataPath, "prosody.pid"))}`,
    `log = { { levels = { min = "error" }, to = "file", filename = ${lua(join(env.setup.dataPath, "prosody.log"))} } }`,
    `storage = ${lua(env.xmppstoreConfig.storage)}`,
  ];
  if (env.sql) lines.push(`sql = ${lua(env.sql)}`);
  for (const [name, value] of Object.entries(global)) lines.push(`${name} = ${lua(value)}`);
  for (const [host, { component, ...options }] of Object.entries(hosts)) {
    lines.push(component ? `Component ${lua(host)} ${lua(component)}` : `VirtualHost ${lua(host)}`);
    for (const [name, value] of Object.entries(options)) lines.push(`  ${name} = ${lua(value)}`);
  }
  await writeFile(cfg, `${lines.join("\n")}\n`);
  const sql = env.sql;
  const auth = sql?.password ? `${sql.username}:${sql.password}@` : sql?.username ? `${sql.username}@` : "";
  const direct =
    kind === "internal" ? `internal:${env.setup.dataPath}`
    : kind === "sqlite" ? `sqlite:${sql!.database}`
    : `${kind}://${auth}${sql!.host}:${sql!.port}/${sql!.database}`;
  const withManager = async <T>(fn: (sm: StorageManager) => Promise<T>, options: Record<string, unknown> = {}): Promise<T> => {
    const sm = new StorageManager({ ...env.xmppstoreConfig, ...global, ...options });
    try {
      return await fn(sm);
    } finally {
      await sm.close();
    }
  };
  return { env, cfg, from: `prosody:${cfg}`, direct, withManager };
}

/** Runs the command line as a user would, capturing its output. */
export async function xmppstore(argv: string[], extra: Partial<CliIO> = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  const io = captureIO(extra);
  const status = await main(argv, io);
  return { status, stdout: io.stdout(), stderr: io.stderr() };
}
