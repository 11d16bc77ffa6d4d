import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { LUA, prosodyProcessEnv, prosodySourceDir, type ProsodyVersion } from "../helpers/prosody.js";

const execFileAsync = promisify(execFile);

export { LUA };
/** Debian's Lua 5.4 and Prosody 0.12's Lua libraries, which the interop tests drive directly. */
export const prosodyLuaAvailable = existsSync(LUA) && existsSync(`${prosodySourceDir("0.12")}/util/sasl.lua`);

/**
 * Runs one of the Lua scripts next to this file (test/stores/lua/NAME.lua) on that Prosody
 * version's libraries, with the given arguments, hex-encoded so any bytes survive the command
 * line; returns stdout's lines.
 */
export async function runLuaScript(name: string, mode: string, args: Array<string | number>, version: ProsodyVersion = "0.12"): Promise<string[]> {
  const script = fileURLToPath(new URL(`./lua/${name}.lua`, import.meta.url));
  const encoded = args.map((arg) => Buffer.from(String(arg), "utf8").toString("hex"));
  const { stdout } = await execFileAsync(LUA, [script, mode, ...encoded], { timeout: 60_000, env: prosodyProcessEnv(version) });
  return stdout.split("\n").filter((line) => line !== "");
}
