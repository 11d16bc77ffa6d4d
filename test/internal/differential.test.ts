import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { StorageManager } from "../../src/stores/storage-manager.js";
import type { ArchiveDeleteQuery, ArchiveQuery, ArchiveStore } from "../../src/contracts/index.js";
import { chat, T0, withDataDir } from "./helpers.js";

type Op =
  | { kind: "append"; key: string | null; when: number; with?: string }
  | { kind: "delete"; query: ArchiveDeleteQuery }
  | { kind: "set"; key: string; when?: number }
  | { kind: "reopen" };

const keyArb = fc.constantFrom("k0", "k1", "k2", "k3", "k4", "k5");
const withArb = fc.option(fc.constantFrom("a@x", "b@x"), { nil: undefined });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("append" as const), key: fc.option(keyArb, { nil: null }), when: fc.integer({ min: 0, max: 9 }), with: withArb }, { requiredKeys: ["kind", "key", "when"] }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("delete" as const),
      query: fc.record({ with: fc.constantFrom("a@x", "b@x", ""), start: fc.integer({ min: 0, max: 9 }), end: fc.integer({ min: 0, max: 9 }), key: keyArb, truncate: fc.integer({ min: 0, max: 4 }), reverse: fc.boolean() }, { requiredKeys: [] }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("set" as const), key: keyArb, when: fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }) }, { requiredKeys: ["kind", "key"] }) },
  { weight: 1, arbitrary: fc.constant({ kind: "reopen" as const }) },
);

const QUERIES: ArchiveQuery[] = [
  {},
  { reverse: true, limit: 2, total: true },
  { with: "a@x", total: true },
  { start: 3, end: 6, total: true },
  { with: "", reverse: true },
];

async function snapshot(archive: ArchiveStore): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const query of QUERIES) {
    const result = await archive.find("juliet", query);
    const items: string[] = [];
    for await (const item of result) items.push(`${item.id}|${item.when}|${item.with}|${item.value.getChildText("body")}`);
    out.push({ items, total: result.total });
  }
  return out;
}

async function outcome<T>(fn: () => Promise<T>): Promise<T | string> {
  try {
    return await fn();
  } catch (error) {
    return `error: ${(error as { condition?: string }).condition}`;
  }
}

describe("internal: differential test against the memory backend", () => {
  it("gives the same archive as the reference for random operation sequences, across reopenings", () =>
    withDataDir(async (root) => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), async (ops) => {
          const config = { data_path: `${root}/run${run++}`, storage_archive_item_limit: 1000 };
          let sm = new StorageManager(config);
          const memory = new StorageManager({ storage: "memory" });
          try {
            let internal = await sm.open("example.com", "archive", "archive");
            const reference = await memory.open("example.com", "archive", "archive");
            let n = 0;
            for (const op of ops) {
              n++;
              if (op.kind === "reopen") {
                await sm.close();
                sm = new StorageManager(config);
                internal = await sm.open("example.com", "archive", "archive");
              } else if (op.kind === "append") {
                const body = chat(`m${n}`);
                const key = op.key ?? `gen${n}`;
                assert.deepEqual(await outcome(() => internal.append("juliet", key, body, T0 + op.when, op.with)), await outcome(() => reference.append("juliet", key, body, T0 + op.when, op.with)));
              } else if (op.kind === "delete") {
                const query = { ...op.query, ...(op.query.start !== undefined ? { start: T0 + op.query.start } : {}), ...(op.query.end !== undefined ? { end: T0 + op.query.end } : {}) };
                assert.deepEqual(await outcome(() => internal.delete("juliet", query)), await outcome(() => reference.delete("juliet", query)), JSON.stringify(query));
              } else {
                const when = op.when === undefined ? undefined : T0 + op.when;
                assert.deepEqual(await outcome(() => internal.set("juliet", op.key, chat(`set${n}`), when)), await outcome(() => reference.set("juliet", op.key, chat(`set${n}`), when)));
              }
              assert.deepEqual(await snapshot(internal), await snapshot(reference), `after op ${n}: ${JSON.stringify(op)}`);
            }
          } finally {
            await sm.close();
            await memory.close();
          }
        }),
        { numRuns: 40 },
      );
    }));
});
