import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import { StorageError } from "../../src/errors.js";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { collect } from "../conformance/context.js";
import { chat, T0, withDataDir } from "./helpers.js";

describe("internal: damaged archive files (fuzz)", () => {
  it("either reads a mutated .list or fails with backend-failure naming it, never otherwise", () =>
    withDataDir(async (dir) => {
      const sm = new StorageManager({ data_path: dir });
      try {
        const archive = await sm.open("example.com", "archive", "archive");
        for (let i = 0; i < 4; i++) await archive.append("juliet", `k${i}`, chat(`m${i} ünï`), T0 + i, i % 2 ? "a@x" : undefined);
        const path = join(dir, "example%2ecom", "archive", "juliet.list");
        const original = await readFile(path);
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.record({ at: fc.nat(original.length - 1), byte: fc.integer({ min: 0, max: 255 }), kind: fc.constantFrom("set", "delete", "insert") }), { minLength: 1, maxLength: 4 }),
            async (mutations) => {
              let bytes = Buffer.from(original);
              for (const { at, byte, kind } of mutations) {
                const i = Math.min(at, bytes.length - 1);
                if (kind === "set") bytes[i] = byte;
                else if (kind === "delete") bytes = Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + 1)]);
                else bytes = Buffer.concat([bytes.subarray(0, i), Buffer.from([byte]), bytes.subarray(i)]);
              }
              await writeFile(path, bytes);
              try {
                const items = await collect(await archive.find("juliet", { total: true }));
                assert.ok(items.length <= 5);
                for (const item of items) assert.equal(typeof item.id, "string");
                await archive.find("juliet", { reverse: true, limit: 2, with: "a@x" });
              } catch (error) {
                assert.ok(error instanceof StorageError, `not a StorageError: ${String(error)}`);
                assert.equal(error.condition, "backend-failure", error.message);
                assert.ok(error.message.includes(path), error.message);
              }
            },
          ),
          { numRuns: 300 },
        );
      } finally {
        await sm.close();
      }
    }));
});
