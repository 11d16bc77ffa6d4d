import { dirname } from "node:path";
import { SQL_DRIVERS, type Backend, type BackendCaps, type BackendContext, type BackendFactory, type DiscoveredStore, type HostOptions, type ProsodyVersion } from "../../contracts/index.js";
import { StorageError, storageError } from "../../errors.js";
import { makeDirs } from "../file-owner.js";
import { uuidId, uuidV7Id } from "../../archive/ids.js";
import { prosodyVersionOf } from "../../contracts/prosody-version.js";
import { sqlArchive } from "./archive.js";
import { bulkWriter, type SqlBulkWriter } from "./bulk.js";
import { rows, run, type SqlEngine } from "./connection.js";
import { sqlKeyVal } from "./keyval.js";
import { sqlKeyValPlus, sqlMap } from "./map.js";
import { KEY_INDEX, ensureSchema } from "./schema.js";
import { describeConnectFailure } from "./dialects/dialect.js";
import { checkText } from "./archive-checks.js";
import { settingsKey, sqlSettings, type SqlSettings } from "./settings.js";
import { ValueCodec } from "./values.js";
import { archiveStatistics } from "./statistics.js";

export type { SqlBulkWriter, BulkArchiveItem, BulkKeyValRow } from "./bulk.js";

/** The `sql` backend object: a Backend plus the bulk write path of ./bulk.ts. */
export type SqlBackend = Backend & SqlBulkWriter & {
  readonly engine: SqlEngine;
  /** The Prosody version whose schema the database has (see schema.ts), so whose forms are written. */
  readonly schemaVersion: ProsodyVersion;
};

/** An open database and the Prosody version whose schema it has (see schema.ts). */
interface OpenDatabase {
  engine: SqlEngine;
  version: ProsodyVersion;
  close(): Promise<void>;
}

async function openEngine(settings: SqlSettings, context: BackendContext, wanted: ProsodyVersion | undefined): Promise<OpenDatabase> {
  let engine: SqlEngine;
  switch (settings.driver) {
    // Each driver is loaded only when a database of its kind is configured.
    case "SQLite3":
      if (settings.database !== ":memory:" && !settings.readOnly) makeDirs(dirname(settings.database), settings.fileOwner);
      engine = (await import("./engine-sqlite.js")).openSqlite(settings.database, context.name, (m) => context.logger.debug(m), settings.sqliteTune, settings);
      break;
    case "PostgreSQL":
      engine = (await import("./engine-postgres.js")).openPostgres(settings, context.name, context.logger.warn, (m) => context.logger.debug(m));
      break;
    case "MySQL":
      engine = (await import("./engine-mysql.js")).openMysql(settings, context.name, (m) => context.logger.debug(m));
      break;
  }
  try {
    const { version, statements } = await ensureSchema(engine, wanted, settings.readOnly);
    for (const sql of statements) context.logger.info(`[${context.name}] ${engine.label}: ${sql}`);
    const statistics = archiveStatistics(engine);
    if (!settings.readOnly && (await statistics.missing())) {
      // A table that was never analysed gets plans that read whole archives (see statistics.ts).
      await statistics.refresh().catch((error: Error) => context.logger.warn(`[${context.name}] ${engine.label}: could not analyse prosodyarchive: ${error.message}`));
    }
    return { engine, version, close: () => engine.close() };
  } catch (error) {
    await engine.close().catch(() => {});
    throw explainOpenFailure(error, engine, settings, context.name);
  }
}

/** A failure to reach a server database, said so that the operator can act on it. */
function explainOpenFailure(error: unknown, engine: SqlEngine, settings: SqlSettings, backend: string): unknown {
  const cause = error instanceof StorageError ? (error.cause ?? error) : error;
  if (engine.dialect.isMissingDatabase(cause)) {
    return storageError("item-not-found", "no such database", { backend, object: engine.label, cause: error });
  }
  if (!SQL_DRIVERS[settings.driver].file && settings.username === undefined && error instanceof StorageError && describeConnectFailure(cause) === undefined) {
    const url = `${SQL_DRIVERS[settings.driver].schemes[0]}://USER@HOST/DB${settings.driver === "PostgreSQL" ? " (or set PGUSER)" : ""}`;
    return storageError(error.condition, `${error.message}; no user name was given: name one, ${url}`, { cause: error });
  }
  return error;
}

/**
 * The schema decides which Prosody's forms are written (README, "Prosody 0.12 or 13"); a host
 * whose `prosody_version` says otherwise is told so, once per host, as every host sharing the
 * database may say something else.
 */
function warnIfContradicted(context: BackendContext, engine: SqlEngine, schema: ProsodyVersion, option: ProsodyVersion | undefined): void {
  if (option === undefined || option === schema) return;
  context.logger.warn(
    `[${context.name}] ${engine.label}: ${context.host} has prosody_version = "${option}", but the database has Prosody ${schema}'s schema ` +
      `(${KEY_INDEX[schema]}), so Prosody ${schema}'s forms are written; the schema wins`,
  );
}

/**
 * Prosody's `mod_storage_sql`: its tables, value encoding and semantics on SQLite, PostgreSQL
 * and MySQL/MariaDB. Hosts with the same `sql` settings share one connection (SQLite) or pool.
 */
export const createSqlBackend: BackendFactory = async (options: HostOptions, context): Promise<SqlBackend> => {
  const settings = sqlSettings(options, context.name);
  const { engine, version } = await context.shared.get(
    settingsKey(settings),
    () => openEngine(settings, context, prosodyVersionOf(options)),
    (opened) => opened.close(),
  );
  warnIfContradicted(context, engine, version, prosodyVersionOf(options));
  // New archive ids in the form of the Prosody that shares the database.
  const newId = version === "13" ? () => uuidV7Id() : uuidId;
  const codec = new ValueCodec(engine.dialect, engine.label);
  const quota = options.storage_archive_item_limit;
  checkText(engine.dialect, engine.label, "host name", context.host);
  const upsert = version === "13" && engine.dialect.upsert;
  const caps: BackendCaps = {
    stores: ["keyval", "map", "keyval+", "archive"],
    persistent: settings.database !== ":memory:",
    byteStrings: SQL_DRIVERS[settings.driver].byteStrings,
  };
  const scope = (store: string) => ({ caps, engine, codec, host: context.host, store: checkText(engine.dialect, engine.label, "store name", store), upsert });
  const host = context.host;

  return {
    caps,
    engine,
    schemaVersion: version,
    ...bulkWriter(engine, codec, host, newId),
    open(store, type) {
      switch (type) {
        case "keyval":
          return sqlKeyVal(scope(store));
        case "map":
          return sqlMap(scope(store));
        case "keyval+":
          return sqlKeyValPlus(scope(store));
        case "archive":
          return sqlArchive(scope(store), quota, newId);
        default:
          throw storageError("unsupported-store", `no ${String(type)} stores`, { backend: context.name });
      }
    },
    async purge(user) {
      await engine.transaction(`purge ${user}@${host}`, function* () {
        yield* run(`DELETE FROM "prosody" WHERE "host" = ? AND "user" = ?`, [host, user]);
        yield* run(`DELETE FROM "prosodyarchive" WHERE "host" = ? AND "user" = ?`, [host, user]);
      }, { write: true });
    },
    async *discover(): AsyncIterable<DiscoveredStore> {
      const found = await engine.transaction("discover stores", function* () {
        const keyval = yield* rows(`SELECT DISTINCT "host", "store" FROM "prosody"`);
        const archive = yield* rows(`SELECT DISTINCT "host", "store" FROM "prosodyarchive"`);
        return { keyval, archive };
      });
      for (const [h, store] of found.keyval) yield { host: String(h), store: String(store), type: "keyval" };
      for (const [h, store] of found.archive) yield { host: String(h), store: String(store), type: "archive" };
    },
    // The connection belongs to the manager's shared resources, which close it.
    async close() {},
  };
};

export default createSqlBackend;
