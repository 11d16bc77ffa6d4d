/**
 * A separate process that competes for a data directory lock when told to (test/internal/
 * process-lock.test.ts). Each stdin line `go DIR AT HOLD_MS` makes it wait until the clock
 * reads AT (so every contender tries at the same moment), try the lock, and print one JSON line:
 * `{ pid, won: false, error }`, or for a winner the time it held the lock and whether the
 * scratch file it wrote while holding it still held its own pid after HOLD_MS. A winner keeps
 * the lock until the next line arrives, so a contender that starts late (a loaded machine) finds
 * it held rather than free.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { lockDataDir, type DataDirLock } from "../../src/backends/internal/process-lock.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let held: DataDirLock | undefined;
for await (const line of createInterface({ input: process.stdin })) {
  await held?.release();
  held = undefined;
  const [command, dir, at, hold] = line.split(" ");
  if (command !== "go") break;
  while (Date.now() < Number(at)) {
    // spin: a timer would wake each contender at a slightly different moment
  }
  let report: object;
  try {
    const lock = await lockDataDir(dir);
    const from = Date.now();
    const scratch = join(dir, "scratch");
    writeFileSync(scratch, String(process.pid));
    await sleep(Number(hold));
    const intact = readFileSync(scratch, "utf8") === String(process.pid);
    const to = Date.now();
    held = lock;
    report = { pid: process.pid, won: true, from, to, intact };
  } catch (error) {
    report = { pid: process.pid, won: false, error: (error as Error).message };
  }
  process.stdout.write(`${JSON.stringify(report)}\n`);
}
await held?.release();
