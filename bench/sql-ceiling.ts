/**
 * The physical ceilings of the sql benchmark: what the database driver itself does with the
 * same rows, without xmppstore in between, on the engine and database of the run.
 */
import Database from "better-sqlite3";
import pg from "pg";
import mysql from "mysql2/promise";
import type { SqlOptions } from "../src/contracts/index.js";

/** A raw connection to the benchmark's database, for the ceilings. */
export interface RawConnection {
  /** Runs one statement in autocommit mode. */
  run(sql: string, params: unknown[]): Promise<void>;
  close(): Promise<void>;
}

/** The pragmas the sql backend sets on its SQLite connection (engine-sqlite.ts), so the raw rate is comparable. */
const SQLITE_PRAGMAS = ["journal_mode = WAL", "synchronous = NORMAL", "wal_autocheckpoint = 10000", "cache_size = -65536", "temp_store = MEMORY"];

export async function rawConnection(sql: SqlOptions, dataPath: string): Promise<RawConnection> {
  switch (sql.driver) {
    case "SQLite3": {
      const db = new Database(sql.database.startsWith("/") ? sql.database : `${dataPath}/${sql.database}`);
      for (const pragma of SQLITE_PRAGMAS) db.pragma(pragma);
      const prepared = new Map<string, Database.Statement>();
      return {
        async run(text, params) {
          let statement = prepared.get(text);
          if (!statement) prepared.set(text, (statement = db.prepare(text)));
          statement.run(...params);
        },
        close: async () => void db.close(),
      };
    }
    case "PostgreSQL": {
      const client = new pg.Client({ host: sql.host, port: sql.port, user: sql.username, password: sql.password, database: sql.database });
      await client.connect();
      let n = 0;
      return {
        async run(text, params) {
          await client.query({ name: `raw${text.length}`, text: text.replace(/\?/g, () => `$${++n}`), values: params });
          n = 0;
        },
        close: () => client.end(),
      };
    }
    case "MySQL": {
      const connection = await mysql.createConnection({ host: sql.host, port: sql.port, user: sql.username, password: sql.password, database: sql.database });
      await connection.query("SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')");
      return {
        async run(text, params) {
          await connection.execute(text, params as Array<string | number>);
        },
        close: () => connection.end(),
      };
    }
  }
}

const INSERT = `INSERT INTO "prosodyarchive" ("host", "user", "store", "when", "with", "key", "type", "value") VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;

/**
 * Milliseconds per row of `n` single-row inserts, one committed after another (autocommit),
 * into Prosody's table and indexes: the ceiling of an append that commits before it resolves.
 */
export async function rawAppendMs(raw: RawConnection, n: number, host: string, xml: string): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < n; i++) await raw.run(INSERT, [host, "raw", "archive", 1_600_000_000 + i, "raw@example.net", `raw-${i}`, "xml", xml]);
  return (performance.now() - started) / n;
}

/**
 * Milliseconds per row of multi-row inserts of 64 rows, each statement committed on its own:
 * the ceiling of 64 appenders whose appends share commits.
 */
export async function rawGroupAppendMs(raw: RawConnection, n: number, host: string, xml: string): Promise<number> {
  const rows = 64;
  const sql = `INSERT INTO "prosodyarchive" ("host", "user", "store", "when", "with", "key", "type", "value") VALUES ${Array(rows).fill("(?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`;
  const started = performance.now();
  let done = 0;
  for (; done < n; done += rows) {
    const params: unknown[] = [];
    for (let i = done; i < done + rows; i++) params.push(host, `raw${i % 64}`, "archive", 1_600_000_000 + i, "raw@example.net", `rawg-${i}`, "xml", xml);
    await raw.run(sql, params);
  }
  return (performance.now() - started) / done;
}
