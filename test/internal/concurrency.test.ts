import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { collect, rejectsWith } from "../conformance/context.js";
import { chat, T0, withDataDir, withManager } from "./helpers.js";

describe("internal: concurrent use", () => {
  it("applies concurrent map writes to one user without losing any (native map store)", () =>
    withManager(async (sm) => {
      const map = await sm.open("example.com", "blocklist", "map");
      await Promise.all(Array.from({ length: 50 }, (_, i) => map.set("juliet", `jid${i}@example.com`, true)));
      const all = (await (await sm.open("example.com", "blocklist")).get("juliet")) as Record<string, boolean>;
      assert.equal(Object.keys(all).length, 50);
      const kvp = await sm.open("example.com", "blocklist", "keyval+");
      await Promise.all(Array.from({ length: 20 }, (_, i) => kvp.setKey("juliet", `jid${i}@example.com`, undefined)));
      assert.equal(Object.keys((await kvp.get("juliet")) as object).length, 30);
      await map.deleteAll("jid30@example.com");
      assert.equal(await map.get("juliet", "jid30@example.com"), undefined);
    }));

  it("keeps every one of many concurrent appends, in one file, in call order", () =>
    withManager(async (sm) => {
      const archive = await sm.open("example.com", "archive", "archive");
      const ids = await Promise.all(Array.from({ length: 100 }, (_, i) => archive.append("juliet", `k${i}`, chat(`m${i}`), T0 + i)));
      const found = await collect(await archive.find("juliet"));
      assert.deepEqual(found.map((item) => item.id), ids);
    }));

  it("refuses a second manager writing the same data directory, until the first closes", () =>
    withDataDir(async (dir) => {
      const first = new StorageManager({ data_path: dir });
      const second = new StorageManager({ data_path: dir });
      try {
        await (await first.open("example.com", "roster")).set("juliet", { a: 1 });
        const kv = await second.open("example.com", "roster");
        assert.deepEqual(await kv.get("juliet"), { a: 1 }, "reading needs no lock");
        const error = await rejectsWith(kv.set("juliet", { a: 2 }), "backend-failure");
        assert.match(error.message, /in use by another storage manager in this process/);
        await first.close();
        await kv.set("juliet", { a: 2 });
        assert.deepEqual(await kv.get("juliet"), { a: 2 });
      } finally {
        await first.close();
        await second.close();
      }
    }));
});

describe("internal: two processes on one data directory", () => {
  it("refuses writes while another process holds the directory, and takes over once it has died", () =>
    withDataDir(async (dir) => {
      const { spawn } = await import("node:child_process");
      const script = `
        import { StorageManager } from ${JSON.stringify(new URL("../../src/stores/storage-manager.ts", import.meta.url).href)};
        const sm = new StorageManager({ data_path: ${JSON.stringify(dir)} });
        await (await sm.open("example.com", "roster")).set("juliet", { from: "child" });
        process.stdout.write("ready\\n");
        setInterval(() => {}, 1000);
      `;
      const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
      try {
        await new Promise<void>((resolve, reject) => {
          child.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve());
          child.on("exit", (code) => reject(new Error(`child exited with ${code}`)));
        });
        const sm = new StorageManager({ data_path: dir });
        try {
          const kv = await sm.open("example.com", "roster");
          assert.deepEqual(await kv.get("juliet"), { from: "child" });
          const error = await rejectsWith(kv.set("juliet", { from: "parent" }), "backend-failure");
          assert.match(error.message, new RegExp(`in use by process ${child.pid} `));
          child.kill("SIGKILL");
          await new Promise((resolve) => child.once("exit", resolve));
          await kv.set("juliet", { from: "parent" });
          assert.deepEqual(await kv.get("juliet"), { from: "parent" });
        } finally {
          await sm.close();
        }
      } finally {
        child.kill("SIGKILL");
      }
    }));
});
