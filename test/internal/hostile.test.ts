import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { collect, rejectsWith } from "../conformance/context.js";
import { bodies, chat, listFiles, T0, withDataDir, withManager } from "./helpers.js";

const HOSTILE = ["..", ".", "../..", "../../etc/passwd", "/etc/passwd", "/", "a/b", "a\\b", "~root", "%2e%2e", "C:", ".hidden", " "];

describe("internal: hostile names", () => {
  it("keeps every user, host and store name inside the data directory, without aliasing", () =>
    withDataDir(async (parent) => {
      const dir = join(parent, "data");
      const sm = new StorageManager({ data_path: dir });
      try {
        for (const [i, name] of HOSTILE.entries()) {
          await (await sm.open("example.com", "roster")).set(name, { n: i });
          await (await sm.open(name, name)).set(name, { n: i });
          await (await sm.open(name, name)).set(null, { host: i });
          await (await sm.open("example.com", name, "archive")).append(name, null, chat(`m${i}`), T0);
        }
        for (const [i, name] of HOSTILE.entries()) {
          assert.deepEqual(await (await sm.open("example.com", "roster")).get(name), { n: i }, name);
          assert.deepEqual(await (await sm.open(name, name)).get(name), { n: i }, name);
          assert.deepEqual(await (await sm.open(name, name)).get(null), { host: i }, name);
          assert.deepEqual(await bodies(await (await sm.open("example.com", name, "archive")).find(name)), [`m${i}`], name);
        }
        assert.deepEqual((await collect((await sm.open("example.com", "roster")).users())).sort(), [...HOSTILE].sort());
      } finally {
        await sm.close();
      }
      const outside = (await listFiles(parent)).filter((file) => !file.startsWith("data/"));
      assert.deepEqual(outside, []);
      for (const file of await listFiles(dir)) {
        for (const part of file.split("/")) assert.match(part, /^(\.xmppstore\.lock|[A-Za-z0-9%_]+\.?(dat|list)?)$/, file);
      }
    }));

  it("rejects NUL and names too long for a file name before writing anything", () =>
    withManager(async (sm, dir) => {
      const long = "x".repeat(250);
      const wide = "ü".repeat(42); // 84 bytes of UTF-8, 252 once encoded
      const kv = await sm.open("example.com", "roster");
      const archive = await sm.open("example.com", "archive", "archive");
      for (const user of [long, wide, "a\0b"]) {
        await rejectsWith(kv.set(user, { x: 1 }), "invalid-input");
        await rejectsWith(kv.get(user), "invalid-input");
        await rejectsWith(archive.append(user, null, chat("x"), T0), "invalid-input");
      }
      await rejectsWith(sm.open("example.com", long), "invalid-input");
      await rejectsWith(sm.open(long, "roster"), "invalid-input");
      await rejectsWith(sm.open("example.com", "a\0b"), "invalid-input");
      assert.deepEqual(await listFiles(dir), []);
      const fits = "y".repeat(249);
      await kv.set(fits, { ok: true });
      assert.deepEqual(await kv.get(fits), { ok: true });
      await archive.append(fits, null, chat("fits"), T0);
      await archive.delete(fits, { truncate: 0 });
    }));
});

describe("internal: damaged files", () => {
  it("fails with backend-failure naming a malformed or truncated file, and only for that user", () =>
    withManager(async (sm, dir) => {
      const kv = await sm.open("example.com", "roster");
      const archive = await sm.open("example.com", "archive", "archive");
      for (const user of ["good", "broken", "truncated"]) {
        await kv.set(user, { "romeo@montague.example": { subscription: "both", name: "Romeo" } });
        await archive.append(user, null, chat(`hello ${user}`), T0, "romeo@montague.example");
      }
      const rosterDir = join(dir, "example%2ecom", "roster");
      await writeFile(join(rosterDir, "broken.dat"), "return { [\"a\"] = os.exit(1) };\n");
      await writeFile(join(rosterDir, "truncated.dat"), "return {\n\t[\"romeo@montague.example\"] = {\n\t\t[\"subscr");
      const archiveDir = join(dir, "example%2ecom", "archive");
      await writeFile(join(archiveDir, "broken.list"), "item({ [\"key\"] = 1; this is not Lua });\n");
      for (const user of ["broken", "truncated"]) {
        const error = await rejectsWith(kv.get(user), "backend-failure");
        assert.ok(error.message.includes(join(rosterDir, `${user}.dat`)), error.message);
      }
      const error = await rejectsWith(archive.find("broken"), "backend-failure");
      assert.ok(error.message.includes(join(archiveDir, "broken.list")), error.message);
      assert.deepEqual(await kv.get("good"), { "romeo@montague.example": { subscription: "both", name: "Romeo" } });
      assert.deepEqual(await bodies(await archive.find("good")), ["hello good"]);
      assert.deepEqual((await collect(kv.users())).sort(), ["broken", "good", "truncated"]);
    }));

  it("treats an empty or `return nil` file as nothing stored, as Prosody", () =>
    withManager(async (sm, dir) => {
      const kv = await sm.open("example.com", "roster");
      await mkdir(join(dir, "example%2ecom", "roster"), { recursive: true });
      await writeFile(join(dir, "example%2ecom", "roster", "nil.dat"), "return nil;\n");
      assert.equal(await kv.get("nil"), undefined);
    }));
});
