/**
 * Throwaway places for Prosody (and xmppstore) to keep data in a test: a temp data directory,
 * an SQLite file in it, or a fresh PostgreSQL / MySQL database on the loopback servers.
 *
 * ```ts
 * const env = await makeProsodyEnv("postgres", ["example.com", "conference.example.com"], {}, "13");
 * t.after(() => env.cleanup());
 * // env.setup: for ProsodyBatch / runProsody; env.xmppstoreConfig: for new StorageManager(...)
 * ```
 */
import { existsSync, statfsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { SqlOptions, StorageConfig } from "../../src/contracts/index.js";
import type { TestContext } from "node:test";
import { needService } from "./services.js";
import {
  prosodyAvailable,
  prosodyInstallHint,
  prosodySqlDriverAvailable,
  type ProsodyHostOptions,
  type ProsodySetup,
  type ProsodySqlOptions,
  type ProsodyVersion,
} from "./prosody.js";

export type ProsodyEnvKind = "internal" | "sqlite" | "postgres" | "mysql";

export interface ProsodyEnv {
  kind: ProsodyEnvKind;
  /** The Prosody that `setup` runs. */
  version: ProsodyVersion;
  /** For ProsodyBatch / runProsody: every host uses this backend. */
  setup: ProsodySetup;
  /** The same storage seen by xmppstore: `new StorageManager(env.xmppstoreConfig)`. */
  xmppstoreConfig: StorageConfig;
  /** The SQL options, for SQL kinds (absolute SQLite path; server database otherwise). */
  sql?: ProsodySqlOptions;
  /** Removes the directory and drops the database. */
  cleanup(): Promise<void>;
}

/** Loopback servers as set up on the CI machine; override with XS_PG_* / XS_MYSQL_*. */
export const POSTGRES = {
  host: process.env.XS_PG_HOST ?? "127.0.0.1",
  port: Number(process.env.XS_PG_PORT ?? 5432),
  username: process.env.XS_PG_USER ?? "postgres",
  password: process.env.XS_PG_PASSWORD,
};
export const MYSQL = {
  host: process.env.XS_MYSQL_HOST ?? "127.0.0.1",
  port: Number(process.env.XS_MYSQL_PORT ?? 3306),
  username: process.env.XS_MYSQL_USER ?? "root",
  password: process.env.XS_MYSQL_PASSWORD ?? "",
};

/** True when a directory has at least `bytes` free (a container's /dev/shm is often 64 MB). */
function hasRoom(dir: string, bytes: number): boolean {
  try {
    const fs = statfsSync(dir);
    return fs.bavail * fs.bsize >= bytes;
  } catch {
    return false;
  }
}

/**
 * A temp directory: under $XS_PROSODY_TMP if set, else on /dev/shm when it has room (Prosody's
 * SQLite commits fsync, ~20 ms each on disk), else in the OS temp directory.
 */
export async function prosodyTempDir(prefix = "xs-prosody-"): Promise<string> {
  const base = process.env.XS_PROSODY_TMP ?? (existsSync("/dev/shm") && hasRoom("/dev/shm", 2 ** 30) ? "/dev/shm" : tmpdir());
  return mkdtemp(join(base, prefix));
}

export async function withPostgres<T>(database: string, fn: (client: import("pg").Client) => Promise<T>): Promise<T> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ host: POSTGRES.host, port: POSTGRES.port, user: POSTGRES.username, password: POSTGRES.password, database, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function withMysql<T>(fn: (conn: import("mysql2/promise").Connection) => Promise<T>): Promise<T> {
  const mysql = await import("mysql2/promise");
  const conn = await mysql.createConnection({ host: MYSQL.host, port: MYSQL.port, user: MYSQL.username, password: MYSQL.password, connectTimeout: 3000 });
  try {
    return await fn(conn);
  } finally {
    await conn.end();
  }
}

/** True when the loopback PostgreSQL server accepts connections. */
export async function postgresReachable(): Promise<boolean> {
  try {
    await withPostgres("postgres", (c) => c.query("SELECT 1"));
    return true;
  } catch {
    return false;
  }
}

/** True when the loopback MySQL/MariaDB server accepts connections. */
export async function mysqlReachable(): Promise<boolean> {
  try {
    await withMysql((c) => c.query("SELECT 1"));
    return true;
  } catch {
    return false;
  }
}

/** Whether Prosody can use that kind here: its LuaDBI driver and, for servers, the server. */
export async function prosodyEnvAvailable(kind: ProsodyEnvKind): Promise<boolean> {
  switch (kind) {
    case "internal":
      return true;
    case "sqlite":
      return prosodySqlDriverAvailable("SQLite3");
    case "postgres":
      return prosodySqlDriverAvailable("PostgreSQL") && (await postgresReachable());
    case "mysql":
      return prosodySqlDriverAvailable("MySQL") && (await mysqlReachable());
  }
}

async function makeSql(kind: ProsodyEnvKind, dataPath: string): Promise<{ sql?: ProsodySqlOptions; drop: () => Promise<void> }> {
  const name = `xs_prosody_${randomBytes(6).toString("hex")}`;
  switch (kind) {
    case "internal":
      return { drop: async () => undefined };
    case "sqlite":
      return { sql: { driver: "SQLite3", database: join(dataPath, "prosody.sqlite") }, drop: async () => undefined };
    case "postgres":
      await withPostgres("postgres", (c) => c.query(`CREATE DATABASE ${name}`));
      return {
        sql: { driver: "PostgreSQL", database: name, host: POSTGRES.host, port: POSTGRES.port, username: POSTGRES.username, ...(POSTGRES.password ? { password: POSTGRES.password } : {}) },
        drop: () => withPostgres("postgres", (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
      };
    case "mysql":
      await withMysql((c) => c.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4`));
      return {
        sql: { driver: "MySQL", database: name, host: MYSQL.host, port: MYSQL.port, username: MYSQL.username, password: MYSQL.password },
        drop: () => withMysql((c) => c.query(`DROP DATABASE IF EXISTS ${name}`)).then(() => undefined),
      };
  }
}

/**
 * A fresh storage for one test, where every host of `hosts` uses the backend of `kind`.
 * `hostOptions` are added to each host (e.g. `{ storage_archive_item_limit: 100000 }`);
 * `version` is the Prosody that `setup` runs.
 */
export async function makeProsodyEnv(kind: ProsodyEnvKind, hosts: string[], hostOptions: ProsodyHostOptions = {}, version: ProsodyVersion = "0.12"): Promise<ProsodyEnv> {
  const dataPath = await prosodyTempDir();
  let made: Awaited<ReturnType<typeof makeSql>>;
  try {
    made = await makeSql(kind, dataPath);
  } catch (error) {
    await rm(dataPath, { recursive: true, force: true });
    throw error;
  }
  const { sql, drop } = made;
  const backend = kind === "internal" ? { storage: "internal" } : { storage: "sql", sql };
  const setup: ProsodySetup = {
    version,
    dataPath,
    hosts: Object.fromEntries(hosts.map((host) => [host, { ...backend, ...hostOptions }])),
  };
  const xmppstoreConfig: StorageConfig = { data_path: dataPath, storage: backend.storage, ...hostOptions };
  if (sql) xmppstoreConfig.sql = { ...sql } as SqlOptions;
  return {
    kind,
    version,
    setup,
    xmppstoreConfig,
    sql,
    cleanup: async () => {
      try {
        await drop();
      } finally {
        await rm(dataPath, { recursive: true, force: true });
      }
    },
  };
}

/**
 * A Prosody environment for one test, removed when the test ends; `undefined` (test skipped)
 * on a machine without that Prosody version or the engine, and a failure in CI.
 */
export async function prosodyEnvForTest(
  t: TestContext,
  kind: ProsodyEnvKind,
  hosts: string[],
  version: ProsodyVersion = "0.12",
  hostOptions: ProsodyHostOptions = {},
): Promise<ProsodyEnv | undefined> {
  if (!needService(t, `prosody ${version}`, prosodyAvailable(version), prosodyInstallHint(version))) return undefined;
  if (!needService(t, `prosody-${kind}`, await prosodyEnvAvailable(kind), `Prosody's ${kind} storage (lua-dbi driver, database server)`)) return undefined;
  const made = await makeProsodyEnv(kind, hosts, hostOptions, version);
  t.after(() => made.cleanup());
  return made;
}
