import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { stringFromBytes } from "../values/index.js";
import { configErrorAt } from "./errors.js";
import type { LuaValue } from "./lua/interpret.js";

/** Prosody 13's message when `Credential()` is used without systemd's credentials directory. */
export const CREDENTIAL_UNSET = "Credential() requires the $CREDENTIALS_DIRECTORY environment variable to be set";

/** Where a configuration function is called from, and what it may read. */
export interface FileFunctionContext {
  /** The configuration file being read (an `Include`d one reads relative to itself). */
  file: string;
  line: number;
  /** Directory of the configuration file. */
  dir: string;
  env: Record<string, string | undefined>;
}

/**
 * 13's `resolve_relative_path`: leading `./` dropped, an absolute path kept, a relative one
 * joined to `base`.
 */
function resolveRelative(base: string, path: string): string {
  const trimmed = path.replace(/^(\.\/+)+/, "");
  return isAbsolute(trimmed) ? trimmed : join(base, trimmed);
}

/** A copy of the bytes as a Lua string (a Buffer's slice would pin the whole file). */
function luaString(bytes: Buffer): string | Uint8Array {
  return stringFromBytes(Uint8Array.from(bytes));
}

function pathArgument(name: string, args: LuaValue[], at: FileFunctionContext): string {
  const path = args[0];
  if (typeof path !== "string") throw configErrorAt(at.file, at.line, `${name} needs a file name`);
  return path;
}

function readBytes(name: string, path: string, at: FileFunctionContext): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "No such file or directory" : (error as Error).message;
    throw configErrorAt(at.file, at.line, `${name}: ${path}: ${reason}`);
  }
}

/** The lines of a file as Lua's `io.lines` gives them: split at "\n", which is dropped ("\r" is kept). */
function linesOf(bytes: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, start)) {
    lines.push(bytes.subarray(start, i));
    start = i + 1;
  }
  if (start < bytes.length) lines.push(bytes.subarray(start));
  return lines;
}

/**
 * The functions Prosody 13's configuration offers for reading values out of files, read as 13
 * reads them (core/configmanager.lua):
 * - `FileContents(path)`: the whole file, trailing newline included;
 * - `FileLine(path)`: its first line without the newline (an empty file is an error);
 * - `FileLines(path)`: a list of its lines, without newlines;
 * - `Credential(name)`: the whole file `name` in `$CREDENTIALS_DIRECTORY` (systemd's
 *   credentials), trailing newline included; without the variable, 13's error.
 * Paths are relative to the configuration file's directory. Returns `undefined` for any other
 * name (not a file function).
 */
export function callFileFunction(name: string, args: LuaValue[], at: FileFunctionContext): { value: LuaValue } | undefined {
  switch (name) {
    case "FileContents":
      return { value: luaString(readBytes(name, resolveRelative(at.dir, pathArgument(name, args, at)), at)) };
    case "FileLine": {
      const path = resolveRelative(at.dir, pathArgument(name, args, at));
      const first = linesOf(readBytes(name, path, at))[0];
      if (first === undefined) throw configErrorAt(at.file, at.line, `FileLine: ${path} is empty`);
      return { value: luaString(first) };
    }
    case "FileLines": {
      const path = resolveRelative(at.dir, pathArgument(name, args, at));
      return { value: linesOf(readBytes(name, path, at)).map(luaString) };
    }
    case "Credential": {
      const directory = at.env.CREDENTIALS_DIRECTORY;
      if (directory === undefined) throw configErrorAt(at.file, at.line, CREDENTIAL_UNSET);
      return { value: luaString(readBytes(name, resolveRelative(directory, pathArgument(name, args, at)), at)) };
    }
    default:
      return undefined;
  }
}
