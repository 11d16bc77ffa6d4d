import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { Element } from "ltx";
import { selectRecords, type ArchiveRecord } from "../../src/archive/query.js";
import { ListIndex, type ScannedItem } from "../../src/backends/internal/list-index.js";
import { selectPositions } from "../../src/backends/internal/list-query.js";
import type { ArchiveQuery } from "../../src/contracts/index.js";

const WITHS = ["a@x", "b@x", "c@x", undefined];

const itemsArb = fc
  .record({
    count: fc.integer({ min: 0, max: 40 }),
    sorted: fc.boolean(),
    whens: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 40, maxLength: 40 }),
    withs: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 40, maxLength: 40 }),
  })
  .map(({ count, sorted, whens, withs }) => {
    const times = whens.slice(0, count);
    if (sorted) times.sort((a, b) => a - b);
    return times.map((when, i): ScannedItem => {
      const item: ScannedItem = { start: i * 10, end: i * 10 + 10, key: `id${i}`, when };
      if (WITHS[withs[i]] !== undefined) item.with = WITHS[withs[i]];
      return item;
    });
  });

const idArb = fc.integer({ min: -1, max: 41 }).map((i) => `id${i}`);

const queryArb: fc.Arbitrary<ArchiveQuery> = fc.record(
  {
    start: fc.integer({ min: -1, max: 21 }),
    end: fc.integer({ min: -1, max: 21 }),
    with: fc.constantFrom("a@x", "b@x", "", "nobody"),
    before: idArb,
    after: idArb,
    ids: fc.array(idArb, { maxLength: 6 }),
    key: idArb,
    limit: fc.integer({ min: 0, max: 12 }),
    reverse: fc.boolean(),
    total: fc.boolean(),
  },
  { requiredKeys: [] },
);

function outcome(fn: () => { keys: string[]; total?: number }): unknown {
  try {
    return fn();
  } catch (error) {
    return { error: (error as { condition?: string }).condition };
  }
}

describe("internal: index queries", () => {
  it("answer exactly as the reference semantics (src/archive/query.ts)", () => {
    fc.assert(
      fc.property(itemsArb, queryArb, (items, query) => {
        const index = new ListIndex(undefined, items, items.length * 10);
        const records: ArchiveRecord[] = items.map((item) => ({ ...item, value: new Element("x") }));
        const positionOf = (id: string) => records.findIndex((r) => r.key === id);
        const expected = outcome(() => {
          const { selected, total } = selectRecords(records, query, positionOf);
          return { keys: selected.map((r) => r.key), ...(total === undefined ? {} : { total }) };
        });
        const actual = outcome(() => {
          const { positions, total } = selectPositions(index, query);
          return { keys: positions.map((i) => index.keys[i]), ...(total === undefined ? {} : { total }) };
        });
        assert.deepEqual(actual, expected);
      }),
      { numRuns: 3000 },
    );
  });

  it("knows when times are in archive order", () => {
    const index = new ListIndex(undefined, [
      { start: 0, end: 1, key: "a", when: 5 },
      { start: 1, end: 2, key: "b", when: 5 },
    ]);
    assert.equal(index.whenSorted, true);
    index.push({ start: 2, end: 3, key: "c", when: 4 });
    assert.equal(index.whenSorted, false);
    assert.deepEqual(selectPositions(index, { start: 5 }).positions, [0, 1]);
  });
});
