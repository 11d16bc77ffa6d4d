import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { needService } from "../helpers/services.js";
import { prosodyAvailable } from "../helpers/prosody.js";
import { main } from "../../src/cli/main.js";
import { captureIO } from "../cli/io.js";
import { EXAMPLE_DATA, writeExampleData } from "./example-data.js";

async function dumpText(from: string): Promise<string> {
  const io = captureIO();
  assert.equal(await main(["dump", "--from", from], io), 0, io.stderr());
  return io.stdout();
}

test("examples/data holds exactly what Prosody writes for the data set", async (t) => {
  if (!needService(t, "prosody", prosodyAvailable(), "apt-get install prosody")) return;
  const dir = await mkdtemp(join(tmpdir(), "xs-example-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeExampleData(join(dir, "data"));
  const committed = await dumpText(`internal:${EXAMPLE_DATA}`);
  assert.equal(await dumpText(`internal:${join(dir, "data")}`), committed);
  const doc = JSON.parse(committed);
  assert.deepEqual(Object.keys(doc.hosts), ["conference.example.com", "example.com", "pubsub.example.com"]);
});
