import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** Debian's Lua 5.4 and Prosody's Lua libraries, which the interop tests drive directly. */
export const LUA = "/usr/bin/lua5.4";
export const PROSODY_LIB = "/usr/lib/prosody";
export const prosodyLuaAvailable = existsSync(LUA) && existsSync(`${PROSODY_LIB}/util/sasl.lua`);

/**
 * Runs one of the Lua scripts next to this file (test/stores/lua/NAME.lua) with the given
 * arguments, hex-encoded so any bytes survive the command line; returns stdout's lines.
 */
export async function runLuaScript(name: string, mode: string, args: Array<string | number>): Promise<string[]> {
  const script = fileURLToPath(new URL(`./lua/${name}.lua`, import.meta.url));
  const encoded = args.map((arg) => Buffer.from(String(arg), "utf8").toString("hex"));
  const { stdout } = await execFileAsync(LUA, [script, mode, ...encoded], { timeout: 60_000 });
  return stdout.split("\n").filter((line) => line !== "");
}
