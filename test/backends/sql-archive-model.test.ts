// The SQL archive against the reference (memory) backend: random appends, deletes and queries
// give the same answers, including results longer than one page of rows.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { Element } from "ltx";
import { StorageManager } from "../../src/stores/storage-manager.js";
import type { ArchiveDeleteQuery, ArchiveQuery, ArchiveStore } from "../../src/contracts/index.js";
import { collect } from "../conformance/index.js";
import { sqliteDatabase } from "../sql/databases.js";

const CONTACTS = ["a@x", "b@x", "c@x"];
const msg = (n: number) => new Element("message").c("body").t(`m${n}`).root();

async function answer(store: ArchiveStore, query: ArchiveQuery): Promise<unknown> {
  try {
    const result = await store.find("u", query);
    const items = (await collect(result)).map((i) => `${i.id}|${i.when}|${i.with}|${i.value.getChildText("body")}`);
    return { items, total: result.total };
  } catch (error) {
    return { error: (error as { condition?: string }).condition };
  }
}

const queryArb = (ids: number) =>
  fc.record(
    {
      start: fc.integer({ min: 0, max: 400 }),
      end: fc.integer({ min: 0, max: 400 }),
      with: fc.constantFrom(...CONTACTS),
      before: fc.integer({ min: 0, max: ids + 2 }).map((n) => `k${n}`),
      after: fc.integer({ min: 0, max: ids + 2 }).map((n) => `k${n}`),
      ids: fc.array(fc.integer({ min: 0, max: ids }).map((n) => `k${n}`), { maxLength: 5 }),
      limit: fc.integer({ min: 0, max: 300 }),
      reverse: fc.boolean(),
      total: fc.boolean(),
    },
    { requiredKeys: [] },
  );

test("SQL archive answers like the reference backend (random operations)", async (t) => {
  const db = await sqliteDatabase();
  const limit = { storage_archive_item_limit: 1_000_000 };
  const sql = new StorageManager({ storage: "sql", sql: db.sql, data_path: db.dataPath, ...limit });
  const memory = new StorageManager({ storage: "memory", ...limit });
  t.after(async () => {
    await sql.close();
    await memory.close();
    await db.drop();
  });
  let round = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 350 }), fc.integer({ min: 0, max: 400 }), fc.constantFrom(...CONTACTS, "")), { minLength: 1, maxLength: 320 }),
      fc.array(fc.oneof(queryArb(350).map((q) => ({ find: q })), queryArb(350).map((q) => ({ remove: q as ArchiveDeleteQuery })), fc.integer({ min: 0, max: 20 }).map((n) => ({ remove: { truncate: n } as ArchiveDeleteQuery }))), {
        maxLength: 8,
      }),
      async (appends, steps) => {
        const host = `h${round++}.example`;
        const a = await sql.open(host, "archive", "archive");
        const b = await memory.open(host, "archive", "archive");
        for (const [key, when, with_] of appends) {
          await a.append("u", `k${key}`, msg(key), when, with_ || undefined);
          await b.append("u", `k${key}`, msg(key), when, with_ || undefined);
        }
        for (const step of steps) {
          if ("find" in step) {
            assert.deepEqual(await answer(a, step.find), await answer(b, step.find), JSON.stringify(step.find));
          } else {
            const empty = ((await answer(b, {})) as { items: unknown[] }).items.length === 0;
            const [x, y] = await Promise.allSettled([a.delete("u", step.remove), b.delete("u", step.remove)]);
            const sqlOutcome = x.status === "fulfilled" ? x.value : (x.reason as { condition: string }).condition;
            const memoryOutcome = y.status === "fulfilled" ? y.value : (y.reason as { condition: string }).condition;
            // On an empty archive the memory backend skips the id lookup (0 removed); SQL, like
            // Prosody's, still reports the unknown before/after id.
            if (!(empty && memoryOutcome === 0 && sqlOutcome === "item-not-found")) {
              assert.deepEqual(sqlOutcome, memoryOutcome, `delete ${JSON.stringify(step.remove)}`);
            }
            assert.deepEqual(await answer(a, {}), await answer(b, {}), `after delete ${JSON.stringify(step.remove)}`);
          }
        }
        assert.deepEqual(await a.summary("u", {}), await b.summary("u", {}).then(({ body: _b, ...rest }) => rest));
      },
    ),
    { numRuns: 25 },
  );
});
