import type { SqlDriver } from "./sql-drivers.js";

/** The Prosody versions whose data forms xmppstore writes. */
export type ProsodyVersion = "0.12" | "13";

export interface SqlOptions {
  driver: SqlDriver;
  /**
   * File name for SQLite (relative to `data_path`), database name otherwise. The configuration
   * file readers and `new StorageManager` take a missing SQLite database as `prosody.sqlite`, as Prosody.
   */
  database: string;
  host?: string;
  port?: number;
  username?: string;
  password?: string;
  /** TLS to a server: `mode` as PostgreSQL's sslmode, `ca` a PEM file to trust. */
  tls?: { mode: "disable" | "require" | "verify-ca" | "verify-full"; ca?: string };
  [option: string]: unknown;
}

/** Options that can be set globally and per host; names are Prosody's. */
export interface HostOptions {
  /** Directory of the `internal` backend. Default `"./data"`. */
  data_path?: string;
  /** One backend for every store, or backend per store name. */
  storage?: string | Record<string, string>;
  /** Backend for stores that `storage` does not name. Default `"internal"`. */
  default_storage?: string;
  sql?: SqlOptions;
  /** Items per user and archive store before appends fail with `quota-limit`. */
  storage_archive_item_limit?: number;
  /**
   * Which Prosody the data is shared with, when the data cannot say (see README, "Prosody 0.12
   * or 13"): "13" writes 13's forms (UUIDv7 archive ids, accounts stamped `created`/`updated`,
   * 13's SQL schema for new databases). An SQL database made by 13 (`prosody_unique_index`)
   * is served as 13 without it.
   */
  prosody_version?: ProsodyVersion;
  /**
   * Open every backend for reading only: SQLite files read-only (nothing created, no WAL
   * switch), no schema created or upgraded on any database, every write refused. For sources.
   */
  read_only?: boolean;
  /**
   * Owner and group (numeric) of every file and directory the backends create; honoured when
   * the process may give files away (root). Files are created 0640 and directories 0750 anyway.
   */
  file_owner?: { uid: number; gid: number };
  /** Backend-specific options pass through untouched. */
  [option: string]: unknown;
}
