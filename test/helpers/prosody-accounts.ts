// Prosody's own account code (core.usermanager with mod_auth_internal_hashed or _plain, what
// prosodyctl and logins run), driven through test/stores/lua/auth.lua with the environment's
// Prosody version.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { LUA, prosodyProcessEnv } from "./prosody.js";
import type { ProsodyEnv } from "./prosody-env.js";

const SCRIPT = fileURLToPath(new URL("../stores/lua/auth.lua", import.meta.url));

export interface AuthOp {
  /** `enabled` and `disable` exist in Prosody 13 only. */
  op: "create" | "test" | "set_password" | "exists" | "enabled" | "disable";
  user: string;
  password?: string;
}

/** Runs account operations on `host` through the env's Prosody's usermanager; resolves with each one's success. */
export function prosodyAccounts(env: ProsodyEnv, host: string, options: Record<string, unknown>, ops: AuthOp[]): Promise<boolean[]> {
  const request = { data_path: env.setup.dataPath, host, options: { ...env.setup.hosts[host], ...options }, ops };
  return new Promise((resolve, reject) => {
    const child = spawn(LUA, [SCRIPT], { stdio: ["pipe", "pipe", "pipe"], env: prosodyProcessEnv(env.version) });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("close", (code) => {
      const last = out.trim().split("\n").pop() ?? "";
      if (code !== 0 || !last.startsWith("{")) return reject(new Error(`auth.lua failed (${code}): ${err || out}`));
      resolve((JSON.parse(last) as { results: Array<{ ok: boolean }> }).results.map((r) => r.ok));
    });
    child.stdin.end(JSON.stringify(request));
  });
}
