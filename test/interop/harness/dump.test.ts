// The data set's canonical dump is what xmppstore's dump prints after Prosody wrote the data
// (internal files and SQLite): the end-to-end compatibility check of dump-format.md.
import assert from "node:assert/strict";
import { test } from "node:test";
import { needService } from "../../helpers/services.js";
import { prosodyAvailable } from "../../helpers/prosody.js";
import { makeProsodyEnv, prosodyEnvAvailable } from "../../helpers/prosody-env.js";
import { DATASET_HOSTS, expectedDataset, readWithProsody, writeDatasetWithProsody } from "../../helpers/prosody-dataset.js";
import { datasetDump, datasetDumpText } from "../../helpers/prosody-dump.js";
import { StorageManager } from "../../../src/stores/storage-manager.js";
import { dump } from "../../../src/jobs/dump.js";
import { managerSource } from "../../../src/jobs/data-source.js";

test("the dump of the data set has the documented layout", () => {
  const doc = datasetDump(expectedDataset()) as { format: string; hosts: Record<string, Record<string, Record<string, Record<string, unknown>>>> };
  assert.equal(doc.format, "xmppstore-dump/1");
  assert.deepEqual(Object.keys(doc.hosts).sort(), [...DATASET_HOSTS].sort());
  assert.ok(doc.hosts["conference.example.com"].keyval.persistent[""], "host-wide data under the user \"\"");
  const item = (doc.hosts["pubsub.example.com"].archive.pubsub_princely_musings[""] as Array<Record<string, unknown>>)[0];
  assert.deepEqual(Object.keys(item).sort(), ["id", "value", "when", "with"]);
  assert.equal(item.with, "");
  const text = datasetDumpText(expectedDataset());
  assert.ok(text.indexOf('"archive"') < text.indexOf('"keyval"'));
  assert.ok(text.endsWith("}\n"));
});

for (const kind of ["internal", "sqlite"] as const) {
  test(`${kind}: Prosody writes the data set, xmppstore dumps exactly the expected document`, async (t) => {
    if (!needService(t, "prosody", prosodyAvailable(), "apt-get install prosody (lua5.4)")) return;
    if (!needService(t, `prosody-${kind}`, await prosodyEnvAvailable(kind), `lua-dbi driver for ${kind}`)) return;
    const env = await makeProsodyEnv(kind, DATASET_HOSTS);
    t.after(() => env.cleanup());
    await writeDatasetWithProsody(env.setup);
    const expected = datasetDumpText(expectedDataset());
    assert.equal(datasetDumpText(await readWithProsody(env.setup)), expected, "Prosody reads back the same document");
    const manager = new StorageManager(env.xmppstoreConfig);
    t.after(() => manager.close());
    const chunks: string[] = [];
    await dump(managerSource(manager, DATASET_HOSTS), (chunk) => chunks.push(chunk));
    const actual = chunks.join("");
    if (actual !== expected) {
      const a = actual.split("\n");
      const e = expected.split("\n");
      const line = a.findIndex((l, i) => l !== e[i]);
      assert.fail(`dump differs from line ${line + 1}:\n  got      ${a[line]}\n  expected ${e[line]}`);
    }
  });
}
