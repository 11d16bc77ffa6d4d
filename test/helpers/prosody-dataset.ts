/**
 * A realistic data set written and read by real Prosody, to compare with what xmppstore reads and
 * writes. The data (prosody-dataset-data.ts) covers every common store: accounts (SCRAM and one
 * plain record), account_details, roster (with its `[false]` entry), vcard and private
 * (preserialized stanzas), blocklist, privacy, archive (MAM), muc_log, persistent (host-wide),
 * config (MUC rooms), offline, pubsub_nodes and pubsub_<node> archives, pep and pep_<node>
 * archives, on three hosts, with awkward user names and values.
 *
 * ```ts
 * // Prosody writes, xmppstore reads:
 * const env = await makeProsodyEnv("sqlite", DATASET_HOSTS);
 * await writeDatasetWithProsody(env.setup);
 * const sm = new StorageManager(env.xmppstoreConfig);
 * // ... read every entry of expectedDataset() through sm and compare (valuesEqual; items by canonicalXml)
 *
 * // xmppstore writes, Prosody reads:
 * // ... write expectedDataset() through sm, close it, then:
 * const diffs = datasetDifferences(await readWithProsody(env.setup, expectedDataset()), expectedDataset());
 * assert.deepEqual(diffs, []);
 * ```
 */
import type { Element } from "ltx";
import { encodeDumpValue } from "../../src/format/dump/value.js";
import { canonicalXml } from "../../src/format/xml/canonical.js";
import { isElement, isEmptyTable, tablePairs, valuesEqual, type Value } from "../../src/values/index.js";
import { ProsodyBatch } from "./prosody-ops.js";
import type { ProsodySetup } from "./prosody.js";
import { buildDataset, type DatasetArchive, type DatasetItem, type DatasetKeyval, type ProsodyDataset } from "./prosody-dataset-data.js";

export * from "./prosody-dataset-data.js";

/** The data set as xmppstore Values: what any backend must read after Prosody wrote it. */
export function expectedDataset(): ProsodyDataset {
  return buildDataset();
}

/** One (host, store, user) place of a data set, and which kind of store holds it. */
export interface DatasetTarget {
  kind: "keyval" | "archive";
  host: string;
  store: string;
  user: string | null;
}

/** Every place a data set fills. */
export function datasetTargets(dataset: ProsodyDataset): DatasetTarget[] {
  return [
    ...dataset.keyval.map(({ host, store, user }) => ({ kind: "keyval" as const, host, store, user })),
    ...dataset.archive.map(({ host, store, user }) => ({ kind: "archive" as const, host, store, user })),
  ];
}

/** The distinct stores of a data set per host, e.g. to configure or discover them. */
export function datasetStores(dataset: ProsodyDataset): Array<{ host: string; store: string; kind: "keyval" | "archive" }> {
  const seen = new Map<string, { host: string; store: string; kind: "keyval" | "archive" }>();
  for (const { kind, host, store } of datasetTargets(dataset)) seen.set(`${kind}\0${host}\0${store}`, { host, store, kind });
  return [...seen.values()];
}

/**
 * Has Prosody write the data set through its own storage API, the way the modules do: keyval
 * `set`, map `set` key by key (private, pep, persistent), archive `append` with the item ids as
 * keys. One lua5.4 process; throws the first failure.
 */
export async function writeDatasetWithProsody(setup: ProsodySetup, dataset: ProsodyDataset = expectedDataset()): Promise<void> {
  const p = new ProsodyBatch(setup);
  for (const entry of dataset.keyval) {
    if (entry.via === "map") {
      for (const [key, value] of tablePairs(entry.value as never)) {
        if (typeof key !== "string") throw new Error(`map entry ${entry.store} has a non-string key`);
        void p.mapSet(entry.host, entry.store, entry.user, key, value);
      }
    } else {
      void p.keyvalSet(entry.host, entry.store, entry.user, entry.value);
    }
  }
  for (const archive of dataset.archive) {
    for (const item of archive.items) {
      void p.archiveAppend(archive.host, archive.store, archive.user, {
        key: item.id,
        value: item.value,
        when: item.when,
        with: archive.nilWith && item.with === "" ? undefined : item.with,
      });
    }
  }
  await p.run();
}

/**
 * Has Prosody read the places of `what` (a data set, or a list of targets) and returns what it
 * found as a data set: keyval places Prosody finds empty are left out, archives come with every
 * item in archive order (`with` nil read as ""). Compare with {@link datasetDifferences}.
 */
export async function readWithProsody(setup: ProsodySetup, what: ProsodyDataset | DatasetTarget[] = expectedDataset()): Promise<ProsodyDataset> {
  const targets = Array.isArray(what) ? what : datasetTargets(what);
  const p = new ProsodyBatch(setup);
  const reads = targets.map((t) =>
    t.kind === "keyval"
      ? p.keyvalGet(t.host, t.store, t.user).then((value) => ({ t, value }))
      : p.archiveFind(t.host, t.store, t.user).then((found) => ({ t, found })),
  );
  await p.run();
  const result: ProsodyDataset = { hosts: [...new Set(targets.map((t) => t.host))], keyval: [], archive: [] };
  for (const read of await Promise.all(reads)) {
    const { host, store, user } = read.t;
    if ("value" in read) {
      if (read.value !== undefined && !isEmptyTable(read.value)) result.keyval.push({ host, store, user, value: read.value });
    } else {
      const items = read.found.items.map((item): DatasetItem => ({ id: item.id, value: item.value as Element, when: item.when, with: item.with ?? "" }));
      result.archive.push({ host, store, user, items });
    }
  }
  return result;
}

function placeName(e: { host: string; store: string; user: string | null }): string {
  return `${e.host}/${e.store}/${e.user === null ? "(host)" : JSON.stringify(e.user)}`;
}

function shortJson(value: Value): string {
  const text = JSON.stringify(encodeDumpValue(value));
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}

function itemXml(value: Value): string {
  return isElement(value) ? canonicalXml(value) : `(not XML: ${JSON.stringify(String(value))})`;
}

function archiveDifferences(actual: DatasetArchive | undefined, expected: DatasetArchive): string[] {
  const where = placeName(expected);
  const got = actual?.items ?? [];
  if (got.length !== expected.items.length) {
    return [`${where}: ${got.length} items, expected ${expected.items.length} (ids ${got.map((i) => i.id).join(",")})`];
  }
  const out: string[] = [];
  expected.items.forEach((want, i) => {
    const have = got[i];
    if (have.id !== want.id) out.push(`${where}[${i}]: id ${have.id}, expected ${want.id}`);
    if (have.when !== want.when) out.push(`${where}[${i}]: when ${have.when}, expected ${want.when}`);
    if (have.with !== want.with) out.push(`${where}[${i}]: with ${JSON.stringify(have.with)}, expected ${JSON.stringify(want.with)}`);
    const a = itemXml(have.value);
    const b = itemXml(want.value);
    if (a !== b) out.push(`${where}[${i}]: value ${a}\n  expected ${b}`);
  });
  return out;
}

/**
 * Where `actual` differs from `expected`, as readable lines ([] when they hold the same data).
 * Keyval values compare in Lua terms (valuesEqual); archive items by id, when, with and the
 * canonical XML of the value. Places of `actual` that `expected` does not have are listed too.
 */
export function datasetDifferences(actual: ProsodyDataset, expected: ProsodyDataset): string[] {
  const out: string[] = [];
  const keyOf = (e: { host: string; store: string; user: string | null }) => placeName(e);
  const actualKeyval = new Map<string, DatasetKeyval>(actual.keyval.map((e) => [keyOf(e), e]));
  const actualArchive = new Map<string, DatasetArchive>(actual.archive.map((e) => [keyOf(e), e]));
  for (const want of expected.keyval) {
    const have = actualKeyval.get(keyOf(want));
    actualKeyval.delete(keyOf(want));
    if (!have) out.push(`${placeName(want)}: missing`);
    else if (!valuesEqual(have.value, want.value)) {
      out.push(`${placeName(want)}: value ${shortJson(have.value)}\n  expected ${shortJson(want.value)}`);
    }
  }
  for (const want of expected.archive) {
    out.push(...archiveDifferences(actualArchive.get(keyOf(want)), want));
    actualArchive.delete(keyOf(want));
  }
  for (const extra of actualKeyval.keys()) out.push(`${extra}: not expected (keyval)`);
  for (const [extra, archive] of actualArchive) if (archive.items.length > 0) out.push(`${extra}: not expected (archive)`);
  return out;
}
