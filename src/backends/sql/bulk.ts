/**
 * The bulk write path, for the migrator: many items or rows in one transaction, as multi-row
 * INSERTs. Exposed on the backend object of `sql` (`backend.bulkAppend`, `backend.bulkSet`):
 *
 * ```ts
 * interface SqlBulkWriter {
 *   // Appends archive items in the order given; an item whose `key` is already stored in that
 *   // archive replaces it (and moves to the end), as append does. Returns the ids, in order.
 *   // No quota is applied. All or nothing: one transaction.
 *   bulkAppend(items: BulkArchiveItem[]): Promise<string[]>;
 *   // Replaces each user's keyval data (`undefined` deletes it), as keyval set does. All or nothing.
 *   bulkSet(rows: BulkKeyValRow[]): Promise<void>;
 * }
 * ```
 * `host` defaults to the backend's host; `user` null is host-wide data. Values must already be
 * valid (as `normalizeValue` returns them): the manager's checks are not applied here.
 */
import { archiveStatistics } from "./statistics.js";
import { archiveInsertSql } from "./archive-query.js";
import type { Element } from "ltx";
import type { Value } from "../../values/index.js";
import { run, type Param, type SqlEngine } from "./connection.js";
import { checkText, checkWhen } from "./archive-checks.js";
import { splitRows } from "./keyval-rows.js";
import { userColumn } from "./scope.js";
import type { RowScope } from "./turns.js";
import type { ValueCodec } from "./values.js";

export interface BulkArchiveItem {
  host?: string;
  user: string | null;
  store: string;
  /** The item id; a new UUID when absent or null. */
  key?: string | null;
  value: Element;
  /** Seconds; default now. */
  when?: number;
  with?: string;
}

export interface BulkKeyValRow {
  host?: string;
  user: string | null;
  store: string;
  data: Value | undefined;
}

export interface SqlBulkWriter {
  bulkAppend(items: readonly BulkArchiveItem[]): Promise<string[]>;
  bulkSet(rows: readonly BulkKeyValRow[]): Promise<void>;
}

/** Rows per INSERT statement: well under every engine's limit on parameters. */
const BATCH = 100;

export function bulkWriter(engine: SqlEngine, codec: ValueCodec, defaultHost: string, newId: () => string): SqlBulkWriter {
  const { dialect } = engine;
  const keyvalRow = `(?, ?, ?, ?, ?, ${dialect.bindValue})`;
  const archiveInsert = (n: number) => archiveInsertSql(dialect, n, dialect.insertReplacing);
  const keyvalInsert = (n: number) =>
    `INSERT INTO "prosody" ("host", "user", "store", "key", "type", "value") VALUES ${Array(n).fill(keyvalRow).join(", ")}`;

  return {
    async bulkAppend(items) {
      const now = Math.floor(Date.now() / 1000);
      // Encoded up front: a value that cannot be stored fails the call before anything is written.
      const prepared = items.map((item) => {
        const host = checkText(dialect, engine.label, "host name", item.host ?? defaultHost);
        checkText(dialect, engine.label, "store name", item.store);
        const where = `[sql] ${item.user ?? ""}@${host}/${item.store} item`;
        const key = item.key ?? newId();
        const encoded = codec.encode(item.value, where);
        const with_ = checkText(dialect, engine.label, "with", item.with ?? "");
        const params: Param[] = [host, userColumn(item.user, dialect), item.store, checkWhen(dialect, engine.label, item.when ?? now), with_, checkText(dialect, engine.label, "key", key), encoded.type, encoded.value];
        const scope: RowScope = [host, userColumn(item.user, dialect), item.store];
        return { archive: JSON.stringify(scope), scope, key, params };
      });
      await engine.transaction(`bulk append of ${items.length} items`, function* () {
        for (let start = 0; start < prepared.length; start += BATCH) {
          // Within a batch the last item of a key wins, in its own place (as appending it last would).
          const latest = new Map<string, (typeof prepared)[number]>();
          for (const p of prepared.slice(start, start + BATCH)) {
            latest.delete(`${p.archive}\0${p.key}`);
            latest.set(`${p.archive}\0${p.key}`, p);
          }
          const batch = [...latest.values()];
          if (!dialect.insertReplacing) {
            // Stored items with these keys are removed first, so the new ones take the end.
            const byArchive = new Map<string, typeof batch>();
            for (const p of batch) byArchive.set(p.archive, [...(byArchive.get(p.archive) ?? []), p]);
            for (const group of byArchive.values()) {
              const [host, user, store] = group[0].params;
              yield* run(
                `DELETE FROM "prosodyarchive" WHERE "host" = ? AND "user" = ? AND "store" = ? AND "key" IN (${group.map(() => "?").join(", ")})`,
                [host, user, store, ...group.map((p) => p.key)],
              );
            }
          }
          yield* run(archiveInsert(batch.length), batch.flatMap((p) => p.params));
        }
        // Each archive takes its turn, as an append does (a migrator's page is one archive).
      }, { scopes: prepared.map((p) => p.scope) });
      await archiveStatistics(engine).wrote(prepared.length);
      return prepared.map((p) => p.key);
    },

    async bulkSet(rows) {
      const prepared = rows.map((row) => {
        const host = checkText(dialect, engine.label, "host name", row.host ?? defaultHost);
        checkText(dialect, engine.label, "store name", row.store);
        const user = userColumn(row.user, dialect);
        const encoded = row.data === undefined ? [] : splitRows(row.data, codec, dialect, `[sql] ${user}@${host}/${row.store}`);
        return { host, user, store: row.store, encoded };
      });
      await engine.transaction(`bulk set of ${rows.length} rows`, function* () {
        const pending: Param[][] = [];
        const owners = new Set<string>();
        function* flush() {
          if (pending.length > 0) yield* run(keyvalInsert(pending.length), pending.flat());
          pending.length = 0;
          owners.clear();
        }
        for (const { host, user, store, encoded } of prepared) {
          // The same user twice: the rows pending for the first must be in before the second's DELETE.
          const owner = `${host}\0${user}\0${store}`;
          if (owners.has(owner)) yield* flush();
          owners.add(owner);
          yield* run(`DELETE FROM "prosody" WHERE "host" = ? AND "user" = ? AND "store" = ?`, [host, user, store]);
          for (const [key, value] of encoded) {
            pending.push([host, user, store, key, value.type, value.value]);
            if (pending.length >= BATCH) yield* flush();
          }
        }
        yield* flush();
      }, { scopes: prepared.map((p) => [p.host, p.user, p.store] as const) });
    },
  };
}
