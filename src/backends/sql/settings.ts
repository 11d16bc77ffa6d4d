import { readFileSync } from "node:fs";
import { storageError } from "../../errors.js";
import { DEFAULT_SQL_DRIVER, isSqlDriver, sqlDatabase, type HostOptions, type SqlDriver, type SqlOptions } from "../../contracts/index.js";

/** Connection settings of a database server. */
export interface ServerSettings {
  database: string;
  host?: string;
  port?: number;
  username?: string;
  password?: string;
}

/** Prosody 13's `sqlite_tune` values (see engine-sqlite.ts for what each sets). */
export const SQLITE_TUNES = ["default", "normal", "fast", "safe"] as const;
export type SqliteTune = (typeof SQLITE_TUNES)[number];

/** How a backend may use its files or database: see `read_only` and `file_owner` in the README. */
export interface AccessSettings {
  /** Open for reading only: SQLite read-only, no schema created or upgraded, writes refused. */
  readOnly: boolean;
  /** Owner and group given to files this process creates (SQLite database file), when running as root. */
  fileOwner?: { uid: number; gid: number };
}

/** TLS for a server connection: PostgreSQL's sslmode values (MySQL's ssl-mode maps onto them). */
export interface TlsSettings {
  mode: "disable" | "require" | "verify-ca" | "verify-full";
  /** PEM file of the certificate authority to trust (sslrootcert). */
  ca?: string;
}

export type SqlSettings = { driver: SqlDriver; sqliteTune?: SqliteTune } & ServerSettings & AccessSettings & { tls?: TlsSettings };

/**
 * The `sql` option as Prosody reads it: driver SQLite3 by default, a relative SQLite database
 * resolved against `data_path` (default `./data`, as the internal backend; `prosody.sqlite` if none is named).
 */
export function sqlSettings(options: HostOptions, backend: string): SqlSettings {
  const sql: Partial<SqlOptions> = options.sql ?? { driver: DEFAULT_SQL_DRIVER };
  const driver = sql.driver ?? DEFAULT_SQL_DRIVER;
  if (!isSqlDriver(driver)) {
    throw storageError("invalid-input", `unknown sql.driver ${JSON.stringify(driver)}`, { backend });
  }
  const database = sqlDatabase(driver, sql.database, options.data_path ?? "./data");
  if (database === undefined) {
    throw storageError("invalid-input", `sql.database must name the ${driver} database`, { backend });
  }
  const settings: SqlSettings = { driver, database, readOnly: options.read_only === true };
  if (options.file_owner !== undefined) settings.fileOwner = options.file_owner;
  if (sql.tls !== undefined) settings.tls = sql.tls as TlsSettings;
  if (sql.host !== undefined) settings.host = sql.host;
  if (sql.port !== undefined) settings.port = sql.port;
  if (sql.username !== undefined) settings.username = sql.username;
  if (sql.password !== undefined) settings.password = sql.password;
  const tune = options.sqlite_tune;
  if (tune !== undefined && driver === "SQLite3") {
    if (!SQLITE_TUNES.includes(tune as SqliteTune)) {
      throw storageError("invalid-input", `sqlite_tune must be one of ${SQLITE_TUNES.join(", ")}, got ${JSON.stringify(tune)}`, { backend });
    }
    settings.sqliteTune = tune as SqliteTune;
  }
  return settings;
}

/** Hosts whose settings give the same key share one connection or pool (as Prosody's db2uri). */
export function settingsKey(settings: SqlSettings): string {
  const { driver, database, host = "", port = "", username = "", password = "", readOnly, tls } = settings;
  return `sql:${JSON.stringify([driver, database, host, port, username, password, readOnly, tls ?? null])}`;
}

/** How a server database is named in messages: the host and port only where they were given. */
export function serverLabel(engine: string, settings: ServerSettings): string {
  const where = settings.host === undefined ? "" : ` on ${settings.host}${settings.port === undefined ? "" : `:${settings.port}`}`;
  return `${engine} ${settings.database}${where}`;
}

/** TLS settings as the drivers (pg, mysql2) take them: `undefined` for none. */
export function tlsOptions(tls: TlsSettings | undefined): { rejectUnauthorized: boolean; ca?: string; checkServerIdentity?: () => undefined } | undefined {
  if (tls === undefined || tls.mode === "disable") return undefined;
  const ca = tls.ca === undefined ? undefined : readFileSync(tls.ca, "utf8");
  if (tls.mode === "require") return { rejectUnauthorized: false, ...(ca ? { ca } : {}) };
  // verify-ca checks the chain but not the host name; verify-full checks both.
  return { rejectUnauthorized: true, ...(ca ? { ca } : {}), ...(tls.mode === "verify-ca" ? { checkServerIdentity: () => undefined } : {}) };
}
