import { statSync } from "node:fs";
import { resolve } from "node:path";
import { SQL_DRIVERS, driverOfScheme, type SqlDriver, type StorageConfig } from "../contracts/index.js";
import { ConfigError } from "./errors.js";
import { readProsodyConfig } from "./prosody-cfg.js";
import { prosodyHostModules } from "./prosody-modules.js";
import { prosodyStorageConfig } from "./prosody-storage.js";

/** `internal`, `prosody`, or an SQL driver's first scheme in the driver registry. */
export type SourceKind = "internal" | (typeof SQL_DRIVERS)[SqlDriver]["schemes"][0] | "prosody";

/** The kind of a SOURCE reaching an SQL database of `driver`. */
export function sqlSourceKind(driver: SqlDriver): SourceKind {
  return SQL_DRIVERS[driver].schemes[0];
}

/** Where data lives, as named on the command line (`internal:DIR`, `sqlite:FILE`, …). */
export interface Source {
  kind: SourceKind;
  /** The SOURCE as given, with any password replaced by `***`, for messages. */
  label: string;
  /** A StorageManager configuration reaching that data. */
  config: StorageConfig;
  /** Hosts the source names itself (a Prosody configuration's sections); empty for the others. */
  hosts: string[];
  /** For a `prosody:` SOURCE: the modules each host loads (to tell where mod_mam runs). */
  modules?: Map<string, Set<string>>;
}

export interface ParseSourceOptions {
  /** Directory relative paths are taken from. Default `process.cwd()`. */
  cwd?: string;
  /** Environment for `ENV_NAME` in Prosody configuration files. */
  env?: Record<string, string | undefined>;
}

const SOURCE_FORMS = [
  "internal:DIR",
  "sqlite:FILE",
  "postgres://USER:PASS@HOST:PORT/DB",
  "postgresql://…",
  "mysql://USER:PASS@HOST:PORT/DB",
  "mariadb://…",
  "prosody:FILE",
];

function badSource(text: string, why: string): ConfigError {
  return new ConfigError(`bad SOURCE ${JSON.stringify(text)}: ${why} (expected one of ${SOURCE_FORMS.join(", ")})`);
}

/** Hides the password of a database URL. */
function redact(text: string): string {
  return text.replace(/^([a-z]+:\/\/[^:@/]*:)[^@/]*@/i, "$1***@");
}

function databaseUrl(text: string, driver: SqlDriver): StorageConfig {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badSource(redact(text), "not a valid URL");
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ""));
  if (!database || database.includes("/")) throw badSource(redact(text), "the URL must name a database: …/DB");
  if (url.search || url.hash) throw badSource(redact(text), "query parameters are not understood");
  const sql: NonNullable<StorageConfig["sql"]> = { driver, database, host: url.hostname || "localhost" };
  if (url.port) sql.port = Number(url.port);
  if (url.username) sql.username = decodeURIComponent(url.username);
  if (url.password) sql.password = decodeURIComponent(url.password);
  return { storage: "sql", sql };
}

/**
 * Parses a SOURCE string into a StorageManager configuration. Bad strings, unreadable or
 * misunderstood Prosody configuration files are {@link ConfigError}s (exit status 2).
 */
export function parseSource(text: string, options: ParseSourceOptions = {}): Source {
  const cwd = options.cwd ?? process.cwd();
  const scheme = /^([a-z]+):/i.exec(text)?.[1]?.toLowerCase();
  const rest = scheme === undefined ? "" : text.slice(scheme.length + 1);
  const driver = scheme === undefined ? undefined : driverOfScheme(scheme);
  if (driver !== undefined && !SQL_DRIVERS[driver].file) {
    return { kind: sqlSourceKind(driver), label: redact(text), hosts: [], config: databaseUrl(text, driver) };
  }
  switch (scheme) {
    case "internal":
      if (!rest) throw badSource(text, "internal: needs a data directory");
      return { kind: "internal", label: text, hosts: [], config: { storage: "internal", data_path: resolve(cwd, rest) } };
    case "sqlite":
      if (!rest || rest.startsWith("//")) throw badSource(text, "sqlite: needs a file name (sqlite:/path/to/prosody.sqlite)");
      return {
        kind: "sqlite",
        label: text,
        hosts: [],
        config: { storage: "sql", sql: { driver: "SQLite3", database: resolve(cwd, rest) } },
      };
    case "prosody": {
      if (!rest) throw badSource(text, "prosody: needs a configuration file (prosody:/etc/prosody/prosody.cfg.lua)");
      const file = readProsodyConfig(resolve(cwd, rest), { env: options.env });
      const { config, hosts } = prosodyStorageConfig(file, { cwd });
      return { kind: "prosody", label: text, hosts, config, modules: prosodyHostModules(file) };
    }
    default:
      throw badSource(text, scheme === undefined ? "no kind given" : `unknown kind ${JSON.stringify(scheme)}`);
  }
}

/**
 * Checks that a SOURCE to read from exists, so that reading a mistyped path reports it
 * instead of creating an empty database or directory there.
 */
export function checkSourceExists(source: Source): void {
  const path = source.kind === "internal" ? source.config.data_path : source.kind === "sqlite" ? source.config.sql?.database : undefined;
  if (path === undefined) return;
  const kind = source.kind === "internal" ? "directory" : "file";
  let stats;
  try {
    stats = statSync(path);
  } catch {
    throw new ConfigError(`${source.label}: no such ${kind} ${path}`);
  }
  if (stats.isDirectory() !== (kind === "directory")) throw new ConfigError(`${source.label}: ${path} is not a ${kind}`);
}
