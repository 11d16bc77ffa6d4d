import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { SQL_DRIVERS, driverOfScheme, type SqlDriver, type SqlOptions, type StorageConfig } from "../contracts/index.js";
import { ConfigError } from "./errors.js";
import { readProsodyConfig } from "./prosody-cfg.js";
import { prosodyHostModules } from "./prosody-modules.js";
import { prosodyStorageConfig } from "./prosody-storage.js";

/** `internal`, `prosody`, `xep0227`, `ejabberd`, or an SQL driver's first scheme in the driver registry. */
export type SourceKind = "internal" | (typeof SQL_DRIVERS)[SqlDriver]["schemes"][0] | "prosody" | "xep0227" | "ejabberd";

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
  /** A Prosody configuration's account (prosody_user, prosody_group), which should own files written for it. */
  account?: { user: string; group: string };
  /** Things worth telling the operator about how the SOURCE was understood (a default applied). */
  notices?: string[];
}

export interface ParseSourceOptions {
  /** Directory relative paths are taken from. Default `process.cwd()`. */
  cwd?: string;
  /** Environment: `ENV_NAME` in Prosody configuration files, PGPASSWORD and MYSQL_PWD. */
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
  "xep0227:DIR",
  "xep0227:FILE.xml",
  "ejabberd:PATH",
];

function badSource(text: string, why: string): ConfigError {
  return new ConfigError(`bad SOURCE ${JSON.stringify(redact(text))}: ${why} (expected one of ${SOURCE_FORMS.join(", ")})`);
}

/**
 * Hides the password of a database URL, whatever characters it holds: everything between the
 * first ":" of the authority and its last "@" (hiding too much is harmless, too little is not).
 * Without an "@", text after ":" that is not a port number is taken for a password too.
 */
export function redact(text: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)(.*)$/is.exec(text);
  if (!match) return text;
  const [, scheme, rest] = match;
  const at = rest.lastIndexOf("@");
  if (at < 0) {
    const authority = /^([^/?#:]*):([^/?#]*)/.exec(rest);
    if (!authority || /^\d*$/.test(authority[2])) return text;
    return `${scheme}${authority[1]}:***${rest.slice(authority[0].length)}`;
  }
  const colon = rest.slice(0, at).indexOf(":");
  return colon < 0 ? text : `${scheme}${rest.slice(0, colon)}:***${rest.slice(at)}`;
}

/** PostgreSQL's sslmode values, and MySQL's ssl-mode names for the same. */
const TLS_MODES: Record<string, TlsMode> = {
  disable: "disable", require: "require", "verify-ca": "verify-ca", "verify-full": "verify-full",
  disabled: "disable", required: "require", verify_ca: "verify-ca", verify_identity: "verify-full",
};
type TlsMode = NonNullable<SqlOptions["tls"]>["mode"];

/** `?sslmode=…&sslrootcert=…` (or MySQL's `ssl-mode`, `ssl-ca`) as the `tls` option. */
function tlsFromQuery(params: URLSearchParams, cwd: string, fail: (why: string) => never): SqlOptions["tls"] {
  let tls: SqlOptions["tls"];
  for (const [name, value] of params) {
    switch (name.toLowerCase()) {
      case "sslmode":
      case "ssl-mode": {
        const mode = TLS_MODES[value.toLowerCase()];
        if (!mode) {
          fail(/^(prefer|allow|preferred)$/i.test(value)
            ? `${name}=${value} would go on without TLS when the server offers none; say sslmode=require or sslmode=disable`
            : `${name} must be disable, require, verify-ca or verify-full, got ${JSON.stringify(value)}`);
        }
        tls = { ...tls, mode };
        break;
      }
      case "sslrootcert":
      case "ssl-ca":
        tls = { mode: "verify-full", ...tls, ca: resolve(cwd, value) };
        break;
      default:
        fail(`unknown parameter ${JSON.stringify(name)} (understood: sslmode, sslrootcert)`);
    }
  }
  return tls;
}

/** Environment variables that hold a database password, so that it stays off the command line. */
export const PASSWORD_VARIABLES: Partial<Record<SqlDriver, string>> = { PostgreSQL: "PGPASSWORD", MySQL: "MYSQL_PWD" };

function databaseUrl(text: string, driver: SqlDriver, options: ParseSourceOptions): StorageConfig {
  const fail = (why: string): never => {
    throw badSource(text, why);
  };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail("not a valid URL (characters such as @ : / ? # % in the user name or password must be percent-encoded: @ is %40)");
  }
  let database: string;
  try {
    database = decodeURIComponent(url.pathname.replace(/^\//, ""));
  } catch {
    return fail("bad percent-encoding in the database name");
  }
  if (!database || database.includes("/")) fail("the URL must name a database: …/DB");
  if (url.hash) fail("a URL fragment (#…) is not understood; percent-encode # in a password as %23");
  const sql: NonNullable<StorageConfig["sql"]> = { driver, database };
  // No host given: the driver's default (PGHOST, else localhost), not a name the user never gave.
  if (url.hostname) sql.host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (url.port) sql.port = Number(url.port);
  try {
    if (url.username) sql.username = decodeURIComponent(url.username);
    if (url.password) sql.password = decodeURIComponent(url.password);
  } catch {
    fail("bad percent-encoding in the user name or password");
  }
  const variable = PASSWORD_VARIABLES[driver];
  const fromEnv = variable === undefined ? undefined : (options.env ?? process.env)[variable];
  if (sql.password === undefined && fromEnv !== undefined && fromEnv !== "") sql.password = fromEnv;
  const tls = tlsFromQuery(url.searchParams, options.cwd ?? process.cwd(), fail);
  if (tls) sql.tls = tls;
  return { storage: "sql", sql };
}

/**
 * Parses a SOURCE string into a StorageManager configuration. Bad strings, unreadable or
 * misunderstood Prosody configuration files are {@link ConfigError}s (exit status 2).
 */
export function parseSource(text: string, options: ParseSourceOptions = {}): Source {
  const cwd = options.cwd ?? process.cwd();
  const scheme = /^([a-z][a-z0-9]*):/i.exec(text)?.[1]?.toLowerCase();
  const rest = scheme === undefined ? "" : text.slice(scheme.length + 1);
  const driver = scheme === undefined ? undefined : driverOfScheme(scheme);
  if (driver !== undefined && !SQL_DRIVERS[driver].file) {
    return { kind: sqlSourceKind(driver), label: redact(text), hosts: [], config: databaseUrl(text, driver, options) };
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
      const { config, hosts, account, defaultDataPath } = prosodyStorageConfig(file, { cwd });
      const notices = defaultDataPath ? [`${text} sets no data_path: using Prosody's default ${config.data_path}`] : [];
      return { kind: "prosody", label: text, hosts, config, modules: prosodyHostModules(file), account, notices };
    }
    case "xep0227":
      if (!rest) throw badSource(text, "xep0227: needs a directory (Prosody's USER@HOST.xml files) or a FILE.xml");
      return { kind: "xep0227", label: text, hosts: [], config: { storage: "xep0227", xep0227_path: resolve(cwd, rest) } };
    case "ejabberd":
      if (!rest) throw badSource(text, "ejabberd: needs export_piefxis's directory or main file (to read), or a FILE.xml for import_piefxis (to write)");
      return { kind: "ejabberd", label: text, hosts: [], config: { storage: "xep0227", xep0227_path: resolve(cwd, rest), xep0227_flavor: "ejabberd" } };
    default:
      throw badSource(text, scheme === undefined ? "no kind given" : `unknown kind ${JSON.stringify(scheme)}`);
  }
}

/**
 * Checks that a SOURCE to read from exists, so that reading a mistyped path reports it
 * instead of creating an empty database or directory there.
 */
export function checkSourceExists(source: Source): void {
  const path = (source.kind === "internal" || source.kind === "prosody" ? source.config.data_path : source.kind === "sqlite" ? source.config.sql?.database : source.config.xep0227_path) as string | undefined;
  if (path === undefined) return;
  if (source.kind === "ejabberd") {
    if (!existsSync(path)) throw new ConfigError(`${source.label}: no such directory or file ${path}`);
    return;
  }
  const kind = source.kind === "sqlite" || (source.kind === "xep0227" && path.endsWith(".xml")) ? "file" : "directory";
  let stats;
  try {
    stats = statSync(path);
  } catch {
    throw new ConfigError(`${source.label}: no such ${kind} ${path}`);
  }
  if (stats.isDirectory() !== (kind === "directory")) throw new ConfigError(`${source.label}: ${path} is not a ${kind}`);
}
