import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdir, stat, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { describe, it } from "node:test";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { chat, T0, withDataDir, withManagerOn } from "./helpers.js";

const HOST = "example%2ecom";
const IS_ROOT = process.getuid?.() === 0;

/**
 * Runs the command line in its own process, so that a read that blocks the event loop (as
 * opening a FIFO did) fails the test by timing out instead of hanging the test runner.
 */
function cli(args: string[]): { status: number | null; stdout: string; stderr: string; timedOut: boolean } {
  const result = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { encoding: "utf8", timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, timedOut: result.signal === "SIGTERM" };
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: "utf8" });
  assert.equal(result.status, 0, `${command} ${args.join(" ")}: ${result.stderr}`);
}

/**
 * A data directory with juliet's roster and archive as regular files, and where alice's roster
 * and bob's archive belong, FIFOs; carol's roster a socket; as root, dave's roster a character
 * device (like /dev/zero, which never ends).
 */
async function withSpecialFiles(body: (dir: string) => Promise<void>): Promise<void> {
  await withDataDir(async (dir) => {
    const sm = new StorageManager({ data_path: dir });
    await (await sm.open("example.com", "roster", "keyval")).set("juliet", { romeo: { name: "Romeo" } });
    await (await sm.open("example.com", "archive", "archive")).append("juliet", "m1", chat("hello"), T0);
    await sm.close();
    run("mkfifo", [join(dir, HOST, "roster", "alice.dat")]);
    run("mkfifo", [join(dir, HOST, "archive", "bob.list")]);
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(join(dir, HOST, "roster", "carol.dat"), resolve));
    if (IS_ROOT) run("mknod", [join(dir, HOST, "roster", "dave.dat"), "c", "1", "5"]);
    try {
      await body(dir);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
}

describe("internal: only regular files are read or written", () => {
  it("fails get of a FIFO, socket or device at once with backend-failure naming it", () =>
    withSpecialFiles(async (dir) => {
      const cases: [string, string, string, RegExp][] = [
        ["roster", "alice", "alice.dat", /a FIFO/],
        ["archive", "bob", "bob.list", /a FIFO/],
        ["roster", "carol", "carol.dat", /a socket/],
      ];
      if (IS_ROOT) cases.push(["roster", "dave", "dave.dat", /a character device/]);
      for (const [store, user, file, kind] of cases) {
        const started = Date.now();
        const result = cli(["get", "--from", `internal:${dir}`, "example.com", store, user]);
        assert.equal(result.timedOut, false, `get ${store} ${user} blocked`);
        assert.notEqual(result.status, 0, `get ${store} ${user}: ${result.stdout}`);
        assert.ok(result.stderr.includes(join(dir, HOST, store, file)), result.stderr);
        assert.match(result.stderr, kind);
        console.log(`get ${store}/${file} (${kind.source}): refused in ${Date.now() - started} ms: ${result.stderr.trim()}`);
      }
    }));

  it("dumps everything else at once, skipping the special files", () =>
    withSpecialFiles(async (dir) => {
      const result = cli(["dump", "--from", `internal:${dir}`]);
      assert.equal(result.timedOut, false, "dump blocked");
      assert.equal(result.status, 0, result.stderr);
      const dump = JSON.parse(result.stdout);
      const text = JSON.stringify(dump);
      assert.match(text, /Romeo/);
      assert.match(text, /hello/);
      for (const user of ["alice", "bob", "carol", ...(IS_ROOT ? ["dave"] : [])]) assert.doesNotMatch(text, new RegExp(`"${user}"`));
    }));

  it("lists only users with regular files, warning about the others", () =>
    withSpecialFiles(async (dir) => {
      const warnings: string[] = [];
      const logger = { warn: (message: string) => void warnings.push(message) };
      await withManagerOn(dir, async (sm) => {
        const users = async (it: AsyncIterable<string>) => {
          const out: string[] = [];
          for await (const user of it) out.push(user);
          return out;
        };
        assert.deepEqual(await users((await sm.open("example.com", "roster", "keyval")).users!()), ["juliet"]);
        assert.deepEqual(await users((await sm.open("example.com", "archive", "archive")).users!()), ["juliet"]);
        for (const file of ["alice.dat", "bob.list", "carol.dat"]) assert.ok(warnings.some((w) => w.includes(`${file}: it is a`)), `${file}: ${warnings.join("\n")}`);
      }, { logger });
    }));

  it("refuses to write over or append to a FIFO, leaving it in place", () =>
    withSpecialFiles((dir) =>
      withManagerOn(dir, async (sm) => {
        const roster = await sm.open("example.com", "roster", "keyval");
        await assert.rejects(roster.set("alice", { v: 1 }), /alice\.dat: it is a FIFO/);
        const archive = await sm.open("example.com", "archive", "archive");
        await assert.rejects(archive.append("bob", null, chat("x"), T0), /bob\.list: it is a FIFO/);
        assert.ok((await stat(join(dir, HOST, "roster", "alice.dat"))).isFIFO());
        assert.ok((await stat(join(dir, HOST, "archive", "bob.list"))).isFIFO());
        // A directory where a data file belongs is refused too.
        await mkdir(join(dir, HOST, "roster", "erin.dat"));
        await assert.rejects(roster.get("erin"), /erin\.dat: it is a directory/);
        await assert.rejects(roster.set("erin", { v: 1 }), /erin\.dat: it is a directory/);
        await writeFile(join(dir, HOST, "roster", "frank.dat"), "return { v = 1 };\n");
        assert.deepEqual(await roster.get("frank"), { v: 1 }, "regular files still read");
      }),
    ));
});
