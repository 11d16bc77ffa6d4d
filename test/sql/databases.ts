import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import mysql from "mysql2/promise";
import { IN_CI } from "../helpers/services.js";
import type { SqlOptions } from "../../src/contracts/index.js";

/** A database made for one test file, dropped with `drop()`. */
export interface TestDatabase {
  sql: SqlOptions;
  /** For SQLite, the directory holding the file (data_path). */
  dataPath?: string;
  drop(): Promise<void>;
}

export const PG = { host: "127.0.0.1", port: 5432, user: process.env.PGUSER ?? "postgres" };
export const MY = { host: "127.0.0.1", port: 3306, user: "root", password: "" };

function dbName(): string {
  return `xs_test_${randomBytes(6).toString("hex")}`;
}

/** Runs `sql` on PostgreSQL's maintenance database (for CREATE/DROP DATABASE, pg_terminate_backend). */
export async function pgAdmin<T = unknown>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ ...PG, database: "postgres" });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Runs `sql` on the MariaDB server as root, outside any database. */
export async function mysqlAdmin<T = unknown>(sql: string, params: unknown[] = []): Promise<T[]> {
  const connection = await mysql.createConnection(MY);
  try {
    const [result] = await connection.query(sql, params);
    return result as T[];
  } finally {
    await connection.end();
  }
}

export async function sqliteDatabase(): Promise<TestDatabase> {
  const dataPath = await mkdtemp(join(tmpdir(), "xs-sql-"));
  return { sql: { driver: "SQLite3", database: "prosody.sqlite" }, dataPath, drop: () => rm(dataPath, { recursive: true, force: true }) };
}

export async function postgresDatabase(): Promise<TestDatabase> {
  const name = dbName();
  await pgAdmin(`CREATE DATABASE "${name}"`);
  return {
    sql: { driver: "PostgreSQL", database: name, host: PG.host, port: PG.port, username: PG.user },
    async drop() {
      await pgAdmin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

export async function mysqlDatabase(): Promise<TestDatabase> {
  const name = dbName();
  await mysqlAdmin(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  return {
    sql: { driver: "MySQL", database: name, host: MY.host, port: MY.port, username: MY.user, password: MY.password },
    async drop() {
      await mysqlAdmin(`DROP DATABASE IF EXISTS \`${name}\``);
    },
  };
}

/**
 * Whether a server engine is reachable. In CI an unreachable server is an error (tests must not be
 * skipped there); elsewhere the test file skips its tests.
 */
export async function serverAvailable(engine: "PostgreSQL" | "MySQL"): Promise<boolean> {
  try {
    if (engine === "PostgreSQL") await pgAdmin("SELECT 1");
    else await mysqlAdmin("SELECT 1");
    return true;
  } catch (error) {
    if (IN_CI) throw new Error(`${engine} is not available (required in CI): ${String(error)}`, { cause: error });
    return false;
  }
}

/**
 * Runs statements on the test database with its own driver, outside xmppstore: SQL with
 * `"quoted"` identifiers and `?` placeholders on every engine. Gives the rows of the last.
 */
export async function rawSql(db: TestDatabase, statements: Array<[string, unknown[]?]>): Promise<Array<Record<string, unknown>>> {
  let last: Array<Record<string, unknown>> = [];
  if (db.sql.driver === "SQLite3") {
    const { default: Database } = await import("better-sqlite3");
    const raw = new Database(join(db.dataPath!, db.sql.database!));
    try {
      for (const [sql, params = []] of statements) {
        const statement = raw.prepare(sql);
        last = statement.reader ? (statement.all(...params) as Array<Record<string, unknown>>) : (statement.run(...params), []);
      }
    } finally {
      raw.close();
    }
    return last;
  }
  if (db.sql.driver === "PostgreSQL") {
    const client = new pg.Client({ ...PG, database: db.sql.database });
    await client.connect();
    try {
      for (const [sql, params = []] of statements) {
        let n = 0;
        last = (await client.query(sql.replace(/\?/g, () => `$${++n}`), params)).rows;
      }
    } finally {
      await client.end();
    }
    return last;
  }
  const connection = await mysql.createConnection({ ...MY, database: db.sql.database });
  try {
    await connection.query("SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')");
    for (const [sql, params = []] of statements) {
      const [result] = await connection.query(sql, params);
      last = Array.isArray(result) ? (result as Array<Record<string, unknown>>) : [];
    }
  } finally {
    await connection.end();
  }
  return last;
}
