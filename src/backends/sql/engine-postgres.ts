import pg from "pg";
import { serverEngine, type Session } from "./chokepoint.js";
import type { SqlEngine, Step } from "./connection.js";
import { postgresDialect } from "./dialects/postgres.js";
import { serverLabel, tlsOptions, type AccessSettings, type ServerSettings, type TlsSettings } from "./settings.js";

/** PostgreSQL through a `pg` pool; every transaction takes one client from it. */
export function openPostgres(settings: ServerSettings & AccessSettings & { tls?: TlsSettings }, backend: string, warn: (message: string) => void, log: (message: string) => void): SqlEngine {
  const label = serverLabel("PostgreSQL", settings);
  const pool = new pg.Pool({
    host: settings.host,
    port: settings.port,
    user: settings.username,
    password: settings.password,
    database: settings.database,
    ssl: tlsOptions(settings.tls),
    // A source is read in read-only transactions: the server refuses any write.
    ...(settings.readOnly ? { options: "-c default_transaction_read_only=on" } : {}),
    max: 8,
    idleTimeoutMillis: 30_000,
  });
  // A pooled client whose server connection dies emits "error"; without a listener that would
  // crash the process. The next transaction finds out and reconnects.
  pool.on("error", (error) => warn(`[${backend}] ${label}: idle connection lost: ${error.message}`));
  const watched = new WeakSet<pg.PoolClient>();
  const names = new Map<string, string>();
  const nameOf = (sql: string) => {
    let name = names.get(sql);
    if (name === undefined && names.size < 1000) names.set(sql, (name = `xs${names.size}`));
    return name;
  };

  const acquire = async (): Promise<Session> => {
    const client = await pool.connect();
    if (!watched.has(client)) {
      watched.add(client);
      client.on("error", () => {});
    }
    return {
      async execute(step: Step) {
        const text = postgresDialect.prepare(step.sql);
        const simple = step.params.length === 0;
        const result = await client.query({
          text,
          values: step.params as unknown[],
          rowMode: "array",
          ...(simple ? {} : { name: nameOf(text) }),
        });
        return step.kind === "rows" ? result.rows : (result.rowCount ?? 0);
      },
      release(broken) {
        client.release(broken ? new Error("connection lost") : undefined);
      },
    };
  };

  return serverEngine({ dialect: postgresDialect, label, backend, log, acquire }, () => pool.end());
}
