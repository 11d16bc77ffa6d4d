/**
 * The sample Prosody data directory in examples/data/ is written by Prosody 0.12 itself (the
 * harness's realistic data set, through Prosody's own storage layer). Regenerate it with
 *
 *   node --import tsx test/migrate/example-data.ts
 *
 * test/migrate/example-data.test.ts checks that the committed files hold exactly that data.
 */
import { cp, mkdir, rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { DATASET_HOSTS, writeDatasetWithProsody } from "../helpers/prosody-dataset.js";
import { makeProsodyEnv } from "../helpers/prosody-env.js";

export const EXAMPLE_DATA = fileURLToPath(new URL("../../examples/data", import.meta.url));

/** Has Prosody write the data set into a fresh internal data directory, copied to `dir`. */
export async function writeExampleData(dir: string): Promise<void> {
  const env = await makeProsodyEnv("internal", DATASET_HOSTS);
  try {
    await writeDatasetWithProsody(env.setup);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await cp(env.setup.dataPath, dir, { recursive: true });
  } finally {
    await env.cleanup();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeExampleData(EXAMPLE_DATA);
  console.log(`wrote ${EXAMPLE_DATA}`);
}
