import assert from "node:assert/strict";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { collect } from "../conformance/context.js";
import { chat, listFiles, T0, withDataDir, withManager } from "./helpers.js";
import { unguardedBackend } from "../../src/manager/manager.js";

describe("internal: files on disk", () => {
  it("is the default backend and lays files out as Prosody does", () =>
    withManager(async (sm, dir) => {
      await (await sm.open("example.com", "roster")).set("juliet", { "romeo@montague.example": { subscription: "both", groups: {} } });
      await (await sm.open("example.com", "persistent")).set(null, { "room@conference.example.com": true });
      await (await sm.open("example.com", "archive", "archive")).append("juliet", null, chat("hi"), T0, "romeo@montague.example");
      await (await sm.open("example.com", "pubsub_princely_musings", "archive")).append(null, "item1", chat("post"), T0);
      assert.deepEqual(await listFiles(dir), [
        ".xmppstore.lock",
        "example%2ecom/archive/juliet.list",
        "example%2ecom/persistent.dat",
        "example%2ecom/pubsub_princely_musings.list",
        "example%2ecom/roster/juliet.dat",
      ]);
      const dat = await readFile(join(dir, "example%2ecom/roster/juliet.dat"), "utf8");
      assert.match(dat, /^return \{\n/);
      assert.match(dat, /\["romeo@montague\.example"\] = \{/);
      const list = await readFile(join(dir, "example%2ecom/archive/juliet.list"), "utf8");
      assert.match(list, /^item\(\{\n/);
      assert.match(list, /\["stamp"\] = "2023-11-14T22:13:20Z";/);
      assert.match(list, /\["with"\] = "romeo@montague\.example";/);
      assert.doesNotMatch(await readFile(join(dir, "example%2ecom/pubsub_princely_musings.list"), "utf8"), /\["with"\]/);
    }));

  it("creates files 0640 and directories 0750", () =>
    withManager(async (sm, dir) => {
      const previous = process.umask(0o022);
      try {
        await (await sm.open("example.com", "vcard")).set("juliet", { name: "Juliet" });
        await (await sm.open("example.com", "archive", "archive")).append("juliet", null, chat("hi"), T0);
      } finally {
        process.umask(previous);
      }
      for (const file of ["example%2ecom/vcard/juliet.dat", "example%2ecom/archive/juliet.list"]) {
        assert.equal((await stat(join(dir, file))).mode & 0o777, 0o640, file);
      }
      for (const sub of ["example%2ecom", "example%2ecom/vcard", "example%2ecom/archive"]) {
        assert.equal((await stat(join(dir, sub))).mode & 0o777, 0o750, sub);
      }
    }));

  it("removes the file when data is deleted, leaving no scratch file", () =>
    withManager(async (sm, dir) => {
      const kv = await sm.open("example.com", "private");
      await kv.set("juliet", { a: 1 });
      await kv.set("juliet", { a: 2 });
      assert.deepEqual(await listFiles(join(dir, "example%2ecom")), ["private/juliet.dat"]);
      await kv.set("juliet", {});
      assert.deepEqual(await listFiles(join(dir, "example%2ecom")), []);
      assert.equal(await kv.get("juliet"), undefined);
      await kv.set("juliet", undefined);
    }));

  it("lists users decoded from file names, ignoring other files", () =>
    withManager(async (sm, dir) => {
      const kv = await sm.open("example.com", "roster");
      const names = ["juliet", "john doe", "../escape", "用户", "under_score", "2024-01-01"];
      for (const name of names) await kv.set(name, { x: 1 });
      const store = join(dir, "example%2ecom", "roster");
      await writeFile(join(store, "juliet.dat~"), "scratch");
      await writeFile(join(store, "notes.txt"), "other");
      await writeFile(join(store, "UPPER%2Ecase.dat"), "return {};\n");
      await writeFile(join(store, "bad%ff.dat"), "return {};\n");
      assert.deepEqual((await collect(kv.users())).sort(), [...names, "UPPER.case"].sort());
      const archive = await sm.open("example.com", "roster", "archive");
      assert.deepEqual(await collect(archive.users()), []);
    }));

  it("discovers every host, store and type in the data directory", () =>
    withManager(async (sm, dir) => {
      await (await sm.open("example.com", "roster")).set("juliet", { x: 1 });
      await (await sm.open("example.com", "persistent")).set(null, { x: true });
      await (await sm.open("example.com", "archive", "archive")).append("juliet", null, chat("hi"), T0);
      await (await sm.open("conference.example.com", "pubsub_ünï node", "archive")).append(null, null, chat("x"), T0);
      await mkdir(join(dir, "example%2ecom", "state"), { recursive: true }); // Prosody leaves empty store dirs
      await mkdir(join(dir, "_global"), { recursive: true });
      const { backend } = await unguardedBackend(sm, "example.com", "roster");
      const found = await collect(backend.discover!());
      assert.deepEqual(found, [
        { host: "conference.example.com", store: "pubsub_ünï node", type: "archive" },
        { host: "example.com", store: "archive", type: "archive" },
        { host: "example.com", store: "persistent", type: "keyval" },
        { host: "example.com", store: "roster", type: "keyval" },
      ]);
    }));

  it("keeps user null (host-wide) and user \"\"-like names apart", () =>
    withManager(async (sm) => {
      const kv = await sm.open("example.com", "persistent");
      await kv.set(null, { host: true });
      await kv.set("persistent", { user: true });
      assert.deepEqual(await kv.get(null), { host: true });
      assert.deepEqual(await kv.get("persistent"), { user: true });
    }));

  it("writes durably when internal_durable is on, and rejects a bad value", async () => {
    await withManager(
      async (sm) => {
        const kv = await sm.open("example.com", "roster");
        await kv.set("juliet", { x: 1 });
        const archive = await sm.open("example.com", "archive", "archive");
        await archive.append("juliet", null, chat("a"), T0);
        await archive.append("juliet", null, chat("b"), T0);
        await archive.delete("juliet", { truncate: 1 });
        assert.deepEqual(await kv.get("juliet"), { x: 1 });
      },
      { internal_durable: true },
    );
    await withDataDir(async (dir) => {
      const sm = new StorageManager({ data_path: dir, internal_durable: "yes" });
      await assert.rejects(sm.open("example.com", "roster"), /internal_durable must be true or false/);
      await sm.close();
    });
  });
});
