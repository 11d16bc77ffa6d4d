import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, it } from "node:test";
import { LOCK_FILE, lockDataDir } from "../../src/backends/internal/process-lock.js";
import { StorageError } from "../../src/errors.js";

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "xs-lock-"));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The pid of a process that has exited. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString());
}

const RECORD = new RegExp(`^${process.pid} ${hostname()} [0-9a-f]{32}\\n$`);

describe("internal: data directory lock", () => {
  it("lets one holder in, refuses a second with a clear error, and frees on release", () =>
    withDir(async (dir) => {
      const lock = await lockDataDir(dir);
      assert.match(await readFile(join(dir, LOCK_FILE), "utf8"), RECORD);
      await assert.rejects(lockDataDir(dir), (error: unknown) => {
        assert.ok(error instanceof StorageError);
        assert.equal(error.condition, "backend-failure");
        assert.match(error.message, /in use by another storage manager in this process/);
        return true;
      });
      await lock.release();
      const again = await lockDataDir(dir);
      await again.release();
    }));

  it("refuses a lock held by another live process", () =>
    withDir(async (dir) => {
      await writeFile(join(dir, LOCK_FILE), `${process.ppid} ${hostname()} ${randomBytes(16).toString("hex")}\n`);
      await assert.rejects(lockDataDir(dir), new RegExp(`process ${process.ppid}`));
    }));

  it("takes over a lock left by a process that has exited (current and older lock format)", () =>
    withDir(async (dir) => {
      for (const record of [`${deadPid()} ${hostname()} ${randomBytes(16).toString("hex")}\n`, `${deadPid()} ${hostname()}\n`]) {
        await writeFile(join(dir, LOCK_FILE), record);
        const lock = await lockDataDir(dir);
        assert.match(await readFile(join(dir, LOCK_FILE), "utf8"), RECORD);
        await lock.release();
      }
    }));

  it("takes over a stale lock that names our own pid (a restarted container reuses pids)", () =>
    withDir(async (dir) => {
      for (const record of [`${process.pid} ${hostname()} ${randomBytes(16).toString("hex")}\n`, `${process.pid} ${hostname()}\n`]) {
        await writeFile(join(dir, LOCK_FILE), record);
        const lock = await lockDataDir(dir);
        assert.match(await readFile(join(dir, LOCK_FILE), "utf8"), RECORD);
        assert.notEqual(await readFile(join(dir, LOCK_FILE), "utf8"), record);
        await lock.release();
      }
    }));

  it("gives a stale lock to exactly one of several processes starting at once (20 rounds × 4 processes)", async () => {
    const ROUNDS = 20;
    const CONTENDERS = 4;
    const HOLD_MS = 150;
    await withDir(async (dir) => {
      const children = Array.from({ length: CONTENDERS }, () =>
        spawn(process.execPath, ["--import", "tsx", "test/helpers/lock-contender.ts"], { stdio: ["pipe", "pipe", "inherit"] }),
      );
      const lines = children.map((child) => createInterface({ input: child.stdout! })[Symbol.asyncIterator]());
      const winnersPerRound: number[] = [];
      try {
        // Every contender has loaded the lock module once before the rounds start.
        const warmup = join(dir, "warmup");
        for (const [i, child] of children.entries()) {
          child.stdin!.write(`go ${warmup}${i} 0 0\n`);
          assert.equal(JSON.parse((await lines[i].next()).value).won, true);
        }
        const dead = deadPid();
        for (let round = 0; round < ROUNDS; round++) {
          // A lock left by a process that died, written whole as a crash would leave it; odd
          // rounds in the older format without a token.
          const token = round % 2 === 0 ? ` ${randomBytes(16).toString("hex")}` : "";
          await writeFile(join(dir, "stale"), `${dead} ${hostname()}${token}\n`);
          await rename(join(dir, "stale"), join(dir, LOCK_FILE));
          const at = Date.now() + 200;
          for (const child of children) child.stdin!.write(`go ${dir} ${at} ${HOLD_MS}\n`);
          const reports = await Promise.all(lines.map(async (it) => JSON.parse((await it.next()).value)));
          const winners = reports.filter((r) => r.won).sort((a, b) => a.from - b.from);
          winnersPerRound.push(winners.length);
          assert.ok(winners.length >= 1, `round ${round}: nobody took over the stale lock: ${JSON.stringify(reports)}`);
          for (const w of winners) assert.ok(w.intact, `round ${round}: another process wrote the scratch file while ${w.pid} held the lock`);
          for (let k = 1; k < winners.length; k++) {
            assert.ok(winners[k].from >= winners[k - 1].to, `round ${round}: ${winners[k - 1].pid} and ${winners[k].pid} held the lock at once`);
          }
          for (const loser of reports.filter((r) => !r.won)) assert.match(loser.error, /in use by process \d+/);
        }
      } finally {
        for (const child of children) child.stdin!.end();
        await Promise.all(children.map((child) => new Promise((resolve) => child.once("exit", resolve))));
      }
      console.log(`stale lock takeover: ${ROUNDS} rounds × ${CONTENDERS} processes, winners per round: ${winnersPerRound.join(" ")}`);
      assert.ok(winnersPerRound.every((n) => n === 1), "each round, the other processes found the winner's lock");
    });
  });
});
