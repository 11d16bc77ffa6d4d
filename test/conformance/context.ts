import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { it as nodeIt, type TestContext } from "node:test";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { DEFAULT_BACKEND_CAPS, holdsStore, type BackendCaps, type KeyValCaps, type StorageConfig } from "../../src/contracts/index.js";
import { unguardedBackend } from "../../src/manager/manager.js";
import { StorageError, type StorageCondition } from "../../src/errors.js";
import { valuesEqual, type Value } from "../../src/values/index.js";

/** A backend under test, as the conformance suite needs to know it. */
export interface ConformanceTarget {
  /** Shown in test names, e.g. "internal" or "sql/PostgreSQL". */
  name: string;
  /** A configuration for one test. Tests use random hosts and users, so it may share a database. */
  makeConfig(): StorageConfig | Promise<StorageConfig>;
  /** Removes what makeConfig made (temp dirs); called after each test. */
  cleanup?(config: StorageConfig): Promise<void>;
  /** `caps.quota` of an archive when `storage_archive_item_limit` is not set; undefined for no limit. */
  defaultQuota?: number;
}

export interface TestEnv {
  sm: StorageManager;
  host: string;
  config: StorageConfig;
  /** What the backend's keyval stores say they can do (their `caps`); cases that depend on it read it here. */
  caps: KeyValCaps;
  /** What the backend says it holds (`holds`: only some stores, for a file format such as XEP-0227). */
  backendCaps: BackendCaps;
  /** A fresh user name, unique to this test. */
  user(prefix?: string): string;
  /** Closes the manager and opens a new one on the same configuration. */
  reopen(): Promise<StorageManager>;
}

function randomName(prefix: string): string {
  return `${prefix}${randomBytes(5).toString("hex")}`;
}

/** Runs `body` with a fresh manager for `target`, closing it and cleaning up afterwards. */
export async function withEnv(
  target: ConformanceTarget,
  body: (env: TestEnv) => Promise<void>,
  extra: Partial<StorageConfig> = {},
): Promise<void> {
  const config = { ...(await target.makeConfig()), ...extra };
  let sm = new StorageManager(config);
  const host = `${randomName("host")}.example`;
  const { caps } = await sm.open(host, "roster");
  const backendCaps = (await unguardedBackend(sm, host, "roster")).backend.caps ?? DEFAULT_BACKEND_CAPS;
  const env: TestEnv = {
    get sm() {
      return sm;
    },
    host,
    config,
    caps,
    backendCaps,
    user: (prefix = "user") => randomName(prefix),
    async reopen() {
      await sm.close();
      sm = new StorageManager(config);
      return sm;
    },
  };
  try {
    await body(env);
  } finally {
    await sm.close();
    await target.cleanup?.(config);
  }
}

export function assertValue(actual: Value | undefined, expected: Value | undefined, message?: string): void {
  if (expected === undefined || actual === undefined) {
    assert.equal(actual, expected, message);
    return;
  }
  if (!valuesEqual(actual, expected)) {
    assert.fail(`${message ?? "values differ"}\n  actual:   ${show(actual)}\n  expected: ${show(expected)}`);
  }
}

function show(value: unknown): string {
  return String(
    JSON.stringify(value, (_key, v) =>
      typeof v === "bigint" ? `${v}n` : v instanceof Uint8Array ? `bytes:${Buffer.from(v).toString("hex")}` : v?.constructor?.name === "LuaTable" ? { LuaTable: [...v] } : v,
    ),
  );
}

export async function rejectsWith(promise: Promise<unknown>, condition: StorageCondition, message?: RegExp): Promise<StorageError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof StorageError, `expected a StorageError, got ${String(error)}`);
    assert.equal(error.condition, condition, `condition of: ${error.message}`);
    if (message) assert.match(error.message, message);
    return error;
  }
  assert.fail(`expected a StorageError ${condition}, but it succeeded`);
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Pass/fail/skip counts of the suite per backend, printed when its run ends. */
export const conformanceCounts = new Map<string, { passed: number; failed: number; skipped: number }>();

/** Whether a backend holds any store name with any value, host-wide data included (every database backend does). */
export function holdsAnything(caps: BackendCaps): boolean {
  return caps.holds === undefined;
}

/** Whether a backend holds `store` of `type` (a file format such as XEP-0227 holds only some). */
export function holds(caps: BackendCaps, store: string, type: "keyval" | "archive"): boolean {
  return holdsStore(caps, store, type);
}

/** Which of the suite's cases apply to a backend, from its caps: a reason to skip, or true. */
export type Applies = (caps: BackendCaps) => boolean;

const capsOfTarget = new Map<string, Promise<BackendCaps>>();

/** The caps of the backend under test, asked once per target. */
function targetCaps(target: ConformanceTarget): Promise<BackendCaps> {
  let found = capsOfTarget.get(target.name);
  if (!found) {
    found = (async () => {
      const config = await target.makeConfig();
      const sm = new StorageManager(config);
      try {
        return (await unguardedBackend(sm, `${randomName("host")}.example`, "roster")).backend.caps ?? DEFAULT_BACKEND_CAPS;
      } finally {
        await sm.close();
        await target.cleanup?.(config);
      }
    })();
    capsOfTarget.set(target.name, found);
  }
  return found;
}

let registering: Applies | undefined;

/** Registers the cases `register` adds as applying only where `applies` says so (checked against the backend's caps when they run). */
export function casesWhere(applies: Applies, register: () => void): void {
  const outer = registering;
  registering = outer ? (caps) => outer(caps) && applies(caps) : applies;
  try {
    register();
  } finally {
    registering = outer;
  }
}

/**
 * `it` for conformance tests: counts outcomes per backend, so that each backend's run ends
 * with a line saying how many of the suite's tests it passed.
 */
export function conformanceIt(target: ConformanceTarget, name: string, body: () => Promise<void>, applies = registering): void {
  const counts = conformanceCounts.get(target.name) ?? { passed: 0, failed: 0, skipped: 0 };
  conformanceCounts.set(target.name, counts);
  nodeIt(name, async (t: TestContext) => {
    if (applies && !applies(await targetCaps(target))) {
      counts.skipped++;
      t.skip("does not apply: the backend's caps say it does not hold these stores");
      return;
    }
    try {
      await body();
      counts.passed++;
    } catch (error) {
      counts.failed++;
      throw error;
    }
  });
}
