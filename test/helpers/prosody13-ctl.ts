/**
 * Runs Prosody 13.0.1's own prosodyctl (where `prosodySourceDir("13")` says; check
 * `prosodyAvailable("13")` first) with a throwaway configuration and the test modules in
 * test/migrate/prosody13/, so that a test can have real Prosody 13 write or read a deployment
 * through its usermanager, mod_authz_internal and storage API:
 *
 * ```ts
 * const out = await prosody13Ctl({ dir, dataPath, storage: 'storage = "sql"\nsql = {…}' }, ["mod_xmppstore_roles", "example.com", "alice"]);
 * ```
 */
import { spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { LUA, prosodyProcessEnv, prosodySourceDir } from "./prosody.js";

const MODULES = fileURLToPath(new URL("../migrate/prosody13/", import.meta.url));

export interface Prosody13Deployment {
  /** Scratch directory for the configuration file and pid file. */
  dir: string;
  dataPath: string;
  /** Storage lines of prosody.cfg.lua (empty: internal). */
  storage?: string;
  hosts: string[];
}

/** Runs `prosodyctl --config … ARGS` of Prosody 13 on that deployment; its stdout (fails the test on a non-zero exit). */
export async function prosody13Ctl(deployment: Prosody13Deployment, args: string[]): Promise<string> {
  const config = join(deployment.dir, "prosody13.cfg.lua");
  await writeFile(config, [
    `data_path = ${JSON.stringify(deployment.dataPath)}`,
    `plugin_paths = { ${JSON.stringify(MODULES)} }`,
    `pidfile = ${JSON.stringify(join(deployment.dir, "prosody13.pid"))}`,
    `log = { { levels = { min = "error" }, to = "console" } }`,
    `run_as_root = true`,
    deployment.storage ?? "",
    ...deployment.hosts.map((host) => `VirtualHost ${JSON.stringify(host)}`),
  ].join("\n"));
  const result = spawnSync(LUA, [join(prosodySourceDir("13"), "prosodyctl"), "--config", config, ...args], { encoding: "utf8", env: prosodyProcessEnv("13") });
  assert.equal(result.status, 0, `prosodyctl ${args.join(" ")} failed: ${result.stdout}${result.stderr}`);
  return result.stdout;
}
