/**
 * Runs Lua 5.4 with Prosody's libraries on the path, for tests that compare with what
 * Prosody itself writes and reads.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { commandWorks } from "../../helpers/services.js";

export const PROSODY_LIB = "/usr/lib/prosody";

/** True when lua5.4 and Prosody's util.serialization are installed. */
export const luaAvailable: boolean =
  existsSync(`${PROSODY_LIB}/util/serialization.lua`) && commandWorks("lua5.4", ["-e", "return"]);

/** Runs `script` with `input` on standard input; returns standard output as bytes. */
export function runLua(script: string, input: Uint8Array | string = ""): Buffer {
  const prelude = `package.path = "${PROSODY_LIB}/?.lua;" .. package.path; package.cpath = "${PROSODY_LIB}/?.so;" .. package.cpath\n`;
  return execFileSync("lua5.4", ["-e", prelude + script], { input, maxBuffer: 512 * 1024 * 1024, timeout: 120_000 });
}
