import mysql from "mysql2/promise";
import { serverEngine, type Session } from "./chokepoint.js";
import type { SqlEngine, Step } from "./connection.js";
import { mysqlDialect } from "./dialects/mysql.js";
import { serverLabel, tlsOptions, type AccessSettings, type ServerSettings, type TlsSettings } from "./settings.js";

/** MySQL or MariaDB through a `mysql2` pool, with utf8mb4 connections as Prosody sets them up. */
export function openMysql(settings: ServerSettings & AccessSettings & { tls?: TlsSettings }, backend: string, log: (message: string) => void): SqlEngine {
  const label = serverLabel("MySQL", settings);
  const pool = mysql.createPool({
    host: settings.host,
    port: settings.port,
    user: settings.username,
    password: settings.password,
    database: settings.database,
    ssl: tlsOptions(settings.tls),
    charset: "UTF8MB4_BIN",
    connectionLimit: 8,
    supportBigNumbers: true,
    // Prepared statements count against the server-wide max_prepared_stmt_count (16382 by default).
    maxPreparedStatements: 256,
  });
  const readOnlySessions = new Set<number>();

  const acquire = async (): Promise<Session> => {
    const connection = await pool.getConnection();
    // A source is read in read-only sessions: the server refuses any write.
    if (settings.readOnly && !readOnlySessions.has(connection.threadId)) {
      await connection.query("SET SESSION TRANSACTION READ ONLY");
      readOnlySessions.add(connection.threadId);
    }
    return {
      async execute(step: Step) {
        const sql = mysqlDialect.prepare(step.sql);
        // Transaction control and DDL cannot all be prepared; they have no parameters anyway.
        const [result] =
          step.params.length === 0
            ? await connection.query({ sql, rowsAsArray: true })
            : await connection.execute({ sql, rowsAsArray: true }, step.params as Array<string | number | Buffer>);
        if (step.kind === "rows") return result;
        return (result as { affectedRows?: number }).affectedRows ?? 0;
      },
      release(broken) {
        if (broken) connection.destroy();
        else connection.release();
      },
    };
  };

  return serverEngine({ dialect: mysqlDialect, label, backend, log, acquire }, () => pool.end());
}
