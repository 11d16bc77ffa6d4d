import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/cli/main.js";
import { StorageManager } from "../../src/stores/storage-manager.js";
import type { StorageConfig } from "../../src/contracts/index.js";
import { fillSample } from "../migrate/sample.js";
import { captureIO } from "./io.js";
import type { CliIO } from "../../src/cli/io.js";

/** A temporary directory removed after the test. */
export async function tempDir(t: { after: (fn: () => Promise<void>) => void }, prefix = "xs-cli-"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs the command line in this process and gives its exit status and output. */
export async function run(argv: string[], extra: Partial<CliIO> = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  const io = captureIO({ env: {}, ...extra });
  const status = await main(argv, io);
  return { status, stdout: io.stdout(), stderr: io.stderr() };
}

/** Fills a storage with the sample data set (test/migrate/sample.ts). */
export async function withSample(config: StorageConfig, items = 20): Promise<void> {
  const sm = new StorageManager(config);
  await fillSample(sm, items);
  await sm.close();
}
