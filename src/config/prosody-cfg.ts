import { readFileSync, readdirSync } from "node:fs";
import { dirname, resolve, basename } from "node:path";
import { ConfigError, configErrorAt } from "./errors.js";
import { callFileFunction } from "./file-functions.js";
import { interpretChunk, type LuaValue } from "./lua/interpret.js";

/** One `VirtualHost "name"` or `Component "name" "module"` section. */
export interface ProsodyHostSection {
  name: string;
  kind: "VirtualHost" | "Component";
  /** The component module (`"muc"`, …); `"component"` for an external component. */
  module?: string;
  options: Map<string, ConfigOption>;
}

export interface ConfigOption {
  value: LuaValue;
  /** Where it was set, for error messages: `FILE:LINE`. */
  where: string;
}

/** What a prosody.cfg.lua says, section by section. Option values are kept as Lua values. */
export interface ProsodyConfigFile {
  file: string;
  global: Map<string, ConfigOption>;
  hosts: Map<string, ProsodyHostSection>;
  /** Every file read, the main one first, then the `Include`d ones. */
  files: string[];
}

export interface ReadProsodyConfigOptions {
  /** Environment for `ENV_NAME` lookups. Default `process.env`. */
  env?: Record<string, string | undefined>;
}

/** Shell-style wildcard (`*`, `?`) as a regular expression over a file name, as Prosody's Include. */
function globPattern(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`);
}

function onlyString(args: LuaValue[] | undefined, message: string, path: string, line: number): string {
  const value = args?.[0];
  if (typeof value !== "string" || value === "") throw configErrorAt(path, line, message);
  return value;
}

/**
 * Reads a Prosody configuration file the way Prosody's configmanager understands it, without
 * running it: global options, `VirtualHost`/`Host`/`Component` sections (with or without an
 * options table), `Include` (wildcards too), `ENV_NAME` variables, and Prosody 13's `FileContents`,
 * `FileLine`, `FileLines` and `Credential` (see file-functions.ts). Options are recorded with
 * where they were set; statements that need Lua to run are errors naming the line.
 */
export function readProsodyConfig(file: string, options: ReadProsodyConfigOptions = {}): ProsodyConfigFile {
  const env = options.env ?? process.env;
  const result: ProsodyConfigFile = { file: resolve(file), global: new Map(), hosts: new Map(), files: [] };

  /** Files being read, outermost first: an Include of one of them would never end. */
  const reading: string[] = [];
  const load = (path: string, includedFrom?: string, line = 0): void => {
    if (reading.includes(path)) {
      const loop = [...reading.slice(reading.indexOf(path)), path].join(" includes ");
      throw configErrorAt(reading[reading.length - 1], line, `Include loop: ${loop}`);
    }
    let source: string;
    try {
      source = readFileSync(path, "utf8");
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
      throw new ConfigError(`${includedFrom ? `${includedFrom}: ` : ""}cannot read Prosody configuration ${path}: ${reason}`, {
        cause: error,
      });
    }
    result.files.push(path);
    reading.push(path);
    let current: ProsodyHostSection | undefined; // undefined: the global section
    const section = (name: string, kind: ProsodyHostSection["kind"], line: number): ProsodyHostSection => {
      const host = name.toLowerCase();
      const existing = result.hosts.get(host);
      if (existing && existing.kind !== kind) {
        throw configErrorAt(path, line, `${kind} "${name}" clashes with the ${existing.kind} of the same name`);
      }
      const created = existing ?? { name: host, kind, options: new Map() };
      result.hosts.set(host, created);
      return created;
    };
    const setAll = (target: Map<string, ConfigOption>, table: LuaValue, line: number, what: string) => {
      if (typeof table !== "object" || table === null || Array.isArray(table) || table instanceof Uint8Array) {
        throw configErrorAt(path, line, `${what} expects a table of options`);
      }
      for (const [key, value] of Object.entries(table)) target.set(key, { value: value as LuaValue, where: `${path}:${line}` });
    };

    interpretChunk(source, path, {
      assign(name, value, line) {
        (current?.options ?? result.global).set(name, { value, where: `${path}:${line}` });
      },
      global(name) {
        if (name.startsWith("ENV_")) return env[name.slice(4)];
        return undefined; // Prosody's config reads Lua globals here, never options: an unknown name is nil.
      },
      callValue(name, args, line) {
        const called = callFileFunction(name, args, { file: path, line, dir: dirname(path), env });
        if (called) return called.value;
        if (name === "RunScript") throw configErrorAt(path, line, "RunScript runs Lua code, which xmppstore does not do");
        throw configErrorAt(path, line, `function calls are not understood in values, ${name}() included (xmppstore reads configuration without running it)`);
      },
      getenv: (name) => env[name],
      call(name, argLists, line) {
        switch (name) {
          case "VirtualHost": case "Host": case "host": {
            const host = onlyString(argLists[0], `${name} needs a host name`, path, line);
            current = section(host, "VirtualHost", line);
            if (argLists.length > 2) throw configErrorAt(path, line, `unexpected arguments after ${name} "${host}"`);
            if (argLists[1]) {
              if (typeof argLists[1][0] === "string") throw configErrorAt(path, line, `VirtualHost entries do not accept a module name`);
              setAll(current.options, argLists[1][0], line, `VirtualHost "${host}"`);
              current = undefined;
            }
            return;
          }
          case "Component": case "component": {
            const host = onlyString(argLists[0], "Component needs a host name", path, line);
            current = section(host, "Component", line);
            current.module = "component";
            let rest = argLists.slice(1);
            if (typeof rest[0]?.[0] === "string") {
              current.module = rest[0][0] as string;
              rest = rest.slice(1);
            }
            if (rest.length > 1) throw configErrorAt(path, line, `unexpected arguments after Component "${host}"`);
            if (rest[0]) {
              setAll(current.options, rest[0][0], line, `Component "${host}"`);
              current = undefined;
            }
            return;
          }
          case "Include": case "include": {
            const target = onlyString(argLists[0], "Include needs a file name", path, line);
            const full = resolve(dirname(path), target);
            if (/[*?]/.test(basename(full))) {
              const dir = dirname(full);
              let names: string[];
              try {
                names = readdirSync(dir).sort();
              } catch (error) {
                throw new ConfigError(`${path}:${line}: cannot list ${dir} for Include "${target}": ${(error as Error).message}`, {
                  cause: error,
                });
              }
              const pattern = globPattern(basename(full));
              for (const entry of names) if (!entry.startsWith(".") && pattern.test(entry)) load(resolve(dir, entry), `${path}:${line}`, line);
            } else load(full, `${path}:${line}`, line);
            return;
          }
          case "RunScript":
            throw configErrorAt(path, line, "RunScript runs Lua code, which xmppstore does not do");
          default:
            throw configErrorAt(path, line, `unknown directive ${name} (xmppstore reads configuration without running it)`);
        }
      },
    });
    reading.pop();
  };

  load(result.file);
  return result;
}
