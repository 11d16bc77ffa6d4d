import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseDatFile, parseListItems, parseStanzaItems, scanListItems, serializeDatFile, serializeListItem } from "../../../src/format/lua/index.js";
import { StorageError } from "../../../src/errors.js";
import { LuaTable } from "../../../src/values/index.js";
import { value } from "./arbitraries.js";

/** What the readers did with one input: how many returned, how many threw a StorageError. */
interface Outcome {
  read: number;
  failed: number;
}

/**
 * Runs every reader on `input`: each must return or throw a StorageError `backend-failure`
 * naming the file and line, nothing else (any other exception fails the test).
 */
function readAll(input: Uint8Array, outcome: Outcome = { read: 0, failed: 0 }): Outcome {
  const readers = [
    () => parseDatFile(input, "fuzz.dat"),
    () => parseListItems(input, "fuzz.list"),
    () => scanListItems(input, "fuzz.list", ["key", "when"]),
    () => parseStanzaItems(input, "fuzz.list"),
  ];
  for (const read of readers) {
    try {
      read();
      outcome.read++;
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      assert.equal(error.condition, "backend-failure");
      assert.match(error.message, /^\[internal\] cannot parse fuzz\.(dat|list): .+ at line \d+$/s);
      outcome.failed++;
    }
  }
  return outcome;
}

/** Bytes that steer random input towards the parser's interesting corners. */
const TOKENS = ["{", "}", "[", "]", "[[", "]]", "[=[", "]=]", "=", ";", ",", "(", ")", "-", "--", "--[[", "/", '"', "'", "\\", "\\z", "\\x4", "\\u{", "\\9", "\n", "\r", " ", "0x", "1e", ".", "1", "9223372036854775808", "nil", "true", "return", "item", "item(", "name", "attr"];

const mutation = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), token: fc.constantFrom(...TOKENS) }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
);

interface Mutation {
  kind: string;
  at: number;
  byte?: number;
  token?: string;
  length?: number;
}

function mutate(text: Buffer, mutations: Mutation[]): Buffer {
  let bytes = Buffer.from(text);
  for (const m of mutations) {
    const at = bytes.length === 0 ? 0 : m.at % bytes.length;
    if (m.kind === "flip") bytes[at] = m.byte!;
    else if (m.kind === "insert") bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(m.token!, "latin1"), bytes.subarray(at)]);
    else if (m.kind === "delete") bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.length!)]);
    else bytes = bytes.subarray(0, at);
  }
  return bytes;
}

describe("lua readers under fuzzing", () => {
  it("random bytes and token soup: every failure is a StorageError naming file and line, and most inputs fail", () => {
    const outcome: Outcome = { read: 0, failed: 0 };
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((t) => Buffer.from(t.join(""), "latin1"))), (input) => {
        readAll(input, outcome);
      }),
      { numRuns: 500, endOnFailure: true },
    );
    // Garbage must be refused, not read as something: the errors above were really exercised.
    assert.ok(outcome.failed > 0.75 * (outcome.read + outcome.failed), `${outcome.failed} failures, ${outcome.read} reads`);
  });

  it("mutated valid files: every failure is a StorageError naming file and line; both outcomes occur", () => {
    const outcome: Outcome = { read: 0, failed: 0 };
    fc.assert(
      fc.property(value, fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), (v, mutations, asList) => {
        const text = asList ? serializeListItem(LuaTable.from({ key: "k", when: 1 }, [["v", v]])).repeat(2) : serializeDatFile(v);
        readAll(mutate(Buffer.from(text, "latin1"), mutations), outcome);
      }),
      { numRuns: 500, endOnFailure: true },
    );
    assert.ok(outcome.failed > 100 && outcome.read > 100, `${outcome.failed} failures, ${outcome.read} reads`);
  });

  it("pathological nesting and long runs end quickly with an error", () => {
    const big = 200_000;
    for (const text of [
      "return " + "{".repeat(big),
      "return " + "(".repeat(big),
      "return " + "- ".repeat(big),
      "return " + "{[".repeat(big),
      "return {" + "1,".repeat(big),
      "return " + '"'.repeat(big),
      "return [" + "=".repeat(big),
      "--[" + "=".repeat(big) + "[",
      "item(" + "{".repeat(big),
      "return " + "\\".repeat(big),
    ]) {
      const start = performance.now();
      const outcome = readAll(Buffer.from(text, "latin1"));
      const seconds = (performance.now() - start) / 1000;
      assert.deepEqual(outcome, { read: 0, failed: 4 }, `every reader refuses ${JSON.stringify(text.slice(0, 12))}…`);
      assert.ok(seconds < 5, `${JSON.stringify(text.slice(0, 12))}… took ${seconds.toFixed(2)} s`);
    }
  });
});
