/**
 * Prosody's side of a benchmark: the same workload run by Prosody 0.12 itself, timed inside Lua
 * (util.time.now around the loop, so process start, JSON and value decoding are not counted).
 * For bench/ scripts that print xmppstore's time as a ratio of Prosody's.
 *
 * ```ts
 * const env = await makeProsodyEnv("sqlite", ["example.com"], { storage_archive_item_limit: 1e6 });
 * const [sets, appends, finds] = await prosodyBench(env.setup, [
 *   prosodyWorkloads.keyvalSets("example.com", "roster", 1000, rosterValue),
 *   prosodyWorkloads.archiveAppends("example.com", "archive", "juliet", 10000, stanza, { start: 1.7e9 }),
 *   prosodyWorkloads.archiveFinds("example.com", "archive", "juliet", 100, { with: "romeo@x", limit: 50, reverse: true }),
 * ]);
 * console.log(sets.seconds, appends.perOpMs, finds.items);
 * await env.cleanup();
 * ```
 */
import type { Element } from "ltx";
import type { Value } from "../../src/values/index.js";
import { ProsodyBatch, prosodyOps, type ProsodyQuery } from "./prosody-ops.js";
import type { ProsodyOp, ProsodySetup } from "./prosody.js";

/** One timed loop: `op` run n times, with `vary` fields changed per iteration (see prosodyOps.bench). */
export interface ProsodyBenchStep {
  name: string;
  n: number;
  op: ProsodyOp;
  vary?: Record<string, string | number>;
  /** Iteration numbers run 1..cycle repeatedly (e.g. read back `cycle` users n times in all). */
  cycle?: number;
}

export interface ProsodyBenchResult {
  name: string;
  n: number;
  /** Wall-clock seconds of the whole loop, measured inside Lua. */
  seconds: number;
  perOpMs: number;
  /** Archive items the loop's finds returned in all (0 for other operations). */
  items: number;
}

/** Runs the steps in order, in one lua5.4 process, and returns each one's timing. */
export async function prosodyBench(setup: ProsodySetup, steps: ProsodyBenchStep[]): Promise<ProsodyBenchResult[]> {
  const p = new ProsodyBatch(setup);
  const timings = steps.map((step) => p.bench(step.n, step.op, step.vary ?? {}, step.cycle));
  await p.run();
  return Promise.all(
    timings.map(async (timing, i) => {
      const { seconds, n, items } = await timing;
      return { name: steps[i].name, n, seconds, perOpMs: n > 0 ? (seconds * 1000) / n : 0, items };
    }),
  );
}

/** Ready-made steps for the usual workloads. */
export const prosodyWorkloads = {
  /** n keyval sets of `value`, one per user (`user1`, `user2`, … by default). */
  keyvalSets: (host: string, store: string, n: number, value: Value, userPattern = "user%d"): ProsodyBenchStep => ({
    name: `keyval set ×${n}`, n, op: prosodyOps.keyvalSet(host, store, "", value), vary: { user: userPattern },
  }),
  /** n keyval gets cycling over `users` users named by `userPattern`. */
  keyvalGets: (host: string, store: string, n: number, users: number, userPattern = "user%d"): ProsodyBenchStep => ({
    name: `keyval get ×${n}`, n, op: prosodyOps.keyvalGet(host, store, ""), vary: { user: userPattern }, cycle: users,
  }),
  /** n map sets of `value` under keys `key1`, `key2`, … of one user. */
  mapSets: (host: string, store: string, user: string, n: number, value: Value, keyPattern = "key%d"): ProsodyBenchStep => ({
    name: `map set ×${n}`, n, op: prosodyOps.mapSet(host, store, user, "", value), vary: { key: keyPattern },
  }),
  /** n appends of `value` without a key (Prosody makes the ids), `when` = start + i. */
  archiveAppends: (host: string, store: string, user: string, n: number, value: Element, options: { start?: number; with?: string } = {}): ProsodyBenchStep => ({
    name: `archive append ×${n}`, n,
    op: prosodyOps.archiveAppend(host, store, user, { value, with: options.with }),
    vary: { when: options.start ?? 1_600_000_000 },
  }),
  /** n runs of the same find, each reading every result. */
  archiveFinds: (host: string, store: string, user: string, n: number, query: ProsodyQuery = {}): ProsodyBenchStep => ({
    name: `archive find ×${n}`, n, op: prosodyOps.archiveFind(host, store, user, query),
  }),
};
