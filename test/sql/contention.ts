// Concurrent writers on one SQL database, shared by the contention tests and by the writer
// processes they spawn (test/sql/contention-writer.ts).
import { StorageManager } from "../../src/stores/storage-manager.js";
import type { StorageConfig } from "../../src/contracts/index.js";
import { isTable, tablePairs, type Value } from "../../src/values/index.js";

/**
 * The keyval value writer `writer` stores in round `round`: a tag on every key and a number of
 * keys of its own, so that a table mixed from several writers' rows is recognised.
 */
export function writerValue(writer: string, round: number): Record<string, string> {
  const value: Record<string, string> = { writer: `${writer}/${round}` };
  const keys = 2 + (Number.parseInt(writer.replace(/\D/g, ""), 10) % 6);
  for (let i = 0; i < keys; i++) value[`k${i}`] = `${writer}/${round}/k${i}`;
  return value;
}

/** The writer whose whole value `value` is, or undefined when it is none's (rows mixed, keys lost). */
export function soleWriter(value: Value | undefined): string | undefined {
  if (value === undefined || !isTable(value)) return undefined;
  const pairs = new Map([...tablePairs(value)].map(([k, v]) => [String(k), v]));
  const tag = pairs.get("writer");
  if (typeof tag !== "string") return undefined;
  const [writer, round] = tag.split("/");
  const expected = writerValue(writer, Number(round));
  if (pairs.size !== Object.keys(expected).length) return undefined;
  for (const [k, v] of Object.entries(expected)) if (pairs.get(k) !== v) return undefined;
  return tag;
}

export interface WriteOutcome {
  written: number;
  rejected: number;
  errors: string[];
  /** Transactions the backend ran again after a deadlock or serialization failure (its debug log). */
  retried?: number;
}

/** A logger that counts the transactions the sql backend runs again. */
export function retryCounter(): { logger: { debug(message: string): void }; readonly count: number } {
  let count = 0;
  return {
    logger: { debug: (message: string) => void (message.includes("run again") && count++) },
    get count() {
      return count;
    },
  };
}

/** Runs `writes` at once; counts the fulfilled and the rejected, keeping the first few messages. */
export async function settle(writes: Array<Promise<unknown>>): Promise<WriteOutcome> {
  const outcomes = await Promise.allSettled(writes);
  const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
  return {
    written: outcomes.length - failed.length,
    rejected: failed.length,
    errors: [...new Set(failed.map((f) => String(f.reason instanceof Error ? f.reason.message : f.reason)))].slice(0, 3),
  };
}

/**
 * One writer process's part, per round and writer (tags `<name>w<i>`): a keyval set of `user`,
 * a keyval set of a user of the writer's own, and a map setKeys of `<user>-map` that sets the
 * shared key `item` and the writer's own key, all at once.
 */
export async function writeRounds(config: StorageConfig, host: string, user: string, name: string, writers: number, rounds: number): Promise<WriteOutcome> {
  const retries = retryCounter();
  const sm = new StorageManager({ ...config, logger: retries.logger });
  const total: WriteOutcome = { written: 0, rejected: 0, errors: [] };
  try {
    const kv = await sm.open(host, "contention");
    const map = await sm.open(host, "contention", "map");
    for (let round = 0; round < rounds; round++) {
      const writes: Array<Promise<unknown>> = [];
      for (let w = 0; w < writers; w++) {
        const writer = `${name}w${w}`;
        writes.push(
          kv.set(user, writerValue(writer, round)),
          kv.set(`${user}-${writer}`, writerValue(writer, round)),
          map.setKeys(`${user}-map`, { item: `${writer}/${round}`, [writer]: round }),
        );
      }
      const outcome = await settle(writes);
      total.written += outcome.written;
      total.rejected += outcome.rejected;
      total.errors.push(...outcome.errors.filter((e) => !total.errors.includes(e)));
    }
  } finally {
    await sm.close();
  }
  return { ...total, retried: retries.count };
}
