import type { SqlDriver } from "./sql-drivers.js";

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
  /** Backend-specific options pass through untouched. */
  [option: string]: unknown;
}
