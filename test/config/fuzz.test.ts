import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { interpretChunk } from "../../src/config/lua/interpret.js";
import { ConfigError } from "../../src/config/errors.js";

const handler = { assign() {}, call() {}, global: () => undefined };

/** Either it is understood, or it is a ConfigError naming the line: never a crash or a hang. */
function readsOrRefuses(source: string): void {
  try {
    interpretChunk(source, "fuzz.cfg.lua", handler);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `not a ConfigError: ${String(error)}`);
    assert.match(error.message, /^fuzz\.cfg\.lua:\d+: /);
  }
}

test("the configuration reader refuses garbage cleanly (random text)", () => {
  fc.assert(fc.property(fc.string({ maxLength: 200 }), readsOrRefuses), { numRuns: 2000 });
});

test("the configuration reader refuses garbage cleanly (random Lua-like tokens)", () => {
  const token = fc.constantFrom(
    "a", "VirtualHost", "Component", "local", "=", "{", "}", "[", "]", "(", ")", ",", ";", "..", "-", "+", "*", "/", "^", "#",
    '"s"', "'t'", "[[long]]", "[==[x]==]", "--c\n", "--[[c]]", "1", "0x10", "1e3", ".5", "nil", "true", "false", "not", "and", "or",
    "if", "function", "end", "\n", " ", '"\\', "\\z", "x.y", "[1]",
  );
  fc.assert(fc.property(fc.array(token, { maxLength: 40 }), (tokens) => readsOrRefuses(tokens.join(" "))), { numRuns: 3000 });
});

test("deep nesting is refused, not a stack overflow", () => {
  for (const source of [`a = ${"(".repeat(5000)}1${")".repeat(5000)}`, `a = ${"{".repeat(5000)}${"}".repeat(5000)}`, `a = ${"- ".repeat(5000)}1`]) {
    assert.throws(() => interpretChunk(source, "deep.cfg.lua", handler), /deep\.cfg\.lua:1: nesting deeper than 200 levels/);
  }
});
