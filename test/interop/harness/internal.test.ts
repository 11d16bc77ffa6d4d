// The harness drives Prosody's internal backend: files land where and as prosody-facts.md shows,
// and the whole data set reads back unchanged.
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { needService } from "../../helpers/services.js";
import { prosodyAvailable } from "../../helpers/prosody.js";
import { makeProsodyEnv, type ProsodyEnv } from "../../helpers/prosody-env.js";
import {
  DATASET_HOSTS,
  LONG_USER,
  datasetDifferences,
  expectedDataset,
  readWithProsody,
  writeDatasetWithProsody,
} from "../../helpers/prosody-dataset.js";

async function withDataset(t: import("node:test").TestContext): Promise<ProsodyEnv | undefined> {
  if (!needService(t, "prosody", prosodyAvailable(), "apt-get install prosody (lua5.4)")) return undefined;
  const env = await makeProsodyEnv("internal", DATASET_HOSTS);
  t.after(() => env.cleanup());
  await writeDatasetWithProsody(env.setup);
  return env;
}

test("Prosody writes the data set into internal files, and reads all of it back", async (t) => {
  const env = await withDataset(t);
  if (!env) return;
  const data = env.setup.dataPath;
  assert.deepEqual((await readdir(data)).sort(), ["conference%2eexample%2ecom", "example%2ecom", "pubsub%2eexample%2ecom"]);
  const accounts = (await readdir(join(data, "example%2ecom", "accounts"))).sort();
  const longEncoded = LONG_USER.replace(/[^A-Za-z0-9]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  assert.deepEqual(
    accounts,
    ["100%25%2esure.dat", "2024%2d01%2d01.dat", "%e7%94%a8%e6%88%b7.dat", "dot%2eted.dat", "john%20doe.dat", "juliet.dat", `${longEncoded}.dat`, "under%5fscore.dat"].sort(),
  );
  assert.deepEqual(datasetDifferences(await readWithProsody(env.setup), expectedDataset()), []);
});

test("files have Prosody's serialisation: [false] keys, escaped UTF-8, item() lines, host-level stores", async (t) => {
  const env = await withDataset(t);
  if (!env) return;
  const file = (...parts: string[]) => readFile(join(env.setup.dataPath, ...parts), "latin1");

  const roster = await file("example%2ecom", "roster", "juliet.dat");
  assert.match(roster, /^return \{\n/);
  assert.match(roster, /\n\t\[false\] = \{\n/); // Prosody's serializer follows Lua's hash order, so no position
  assert.match(roster, /\t\t\["version"\] = 7;\n/);
  assert.match(roster, /\["romeo@montague\.example"\] = \{\n(\t\t\[[^\n]*\n|\t\t\t[^\n]*\n|\t\t\};\n)*\t\t\["name"\] = "Romeo \\226\\157\\164";/);
  assert.ok(/^[\x20-\x7e\t\n]*$/.test(roster), "files are pure ASCII");

  const accounts = await file("example%2ecom", "accounts", "juliet.dat");
  assert.match(accounts, /\["iteration_count"\] = 10000;/);
  assert.match(accounts, /\["salt"\] = "9661d64c-5ccf-4d68-91fc-e6c7ff159fc5";/);
  assert.match(accounts, /\["stored_key"\] = "[0-9a-f]{40}";/);

  const details = await file("example%2ecom", "account_details", "john%20doe.dat");
  assert.match(details, /\["score"\] = -3\.25;/);
  assert.match(details, /\["big"\] = 1152921504606846976;/);
  assert.match(details, /\["note"\] = "first line\\nsecond line\\n\\ttabbed and trailing \\\\ backslash";/);

  const mam = await file("example%2ecom", "archive", "juliet.list");
  assert.equal(mam.match(/^item\(\{$/gm)?.length, 12);
  assert.match(mam, /\n\t\["when"\] = 1696325408;\n/);
  assert.match(mam, /\n\t\["with"\] = "romeo@montague\.example";\n/);
  assert.match(mam, /\n\t\{\n\t\t"Quotes: \\'single\\' \\"double\\" `back`";\n/);
  assert.match(mam, /\["stamp"\] = "2023-10-03T09:30:08Z";/);
  assert.match(mam, /\["key"\] = "mam-00-7mVmx7YN";/);

  const persistent = await file("conference%2eexample%2ecom", "persistent.dat");
  assert.match(persistent, /\["lounge@conference\.example\.com"\] = true;/);
  assert.match(persistent, /\["caf\\195\\169@conference\.example\.com"\] = true;/);

  const pubsub = await readdir(join(env.setup.dataPath, "pubsub%2eexample%2ecom"));
  assert.ok(pubsub.includes("pubsub_%c3%bcn%c3%afcode%20node.list"), pubsub.join(" "));
  assert.ok(pubsub.includes("pubsub_princely_musings.list"));
  const pubsubItems = await file("pubsub%2eexample%2ecom", "pubsub_princely_musings.list");
  assert.doesNotMatch(pubsubItems, /\["with"\]/, "items appended with nil with have no with field");

  const pep = await readdir(join(env.setup.dataPath, "example%2ecom"));
  assert.ok(pep.includes("pep_http%3a%2f%2fjabber%2eorg%2fprotocol%2fnick"), pep.join(" "));
});
