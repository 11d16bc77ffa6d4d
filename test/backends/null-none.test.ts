import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Element } from "ltx";
import { StorageManager } from "../../src/index.js";
import { collect, rejectsWith } from "../conformance/index.js";

describe("null backend", () => {
  it("fails every operation with storage-disabled", async () => {
    const sm = new StorageManager({ storage: "null" });
    const kv = await sm.open("h", "roster");
    await rejectsWith(kv.get("alice"), "storage-disabled");
    await rejectsWith(kv.set("alice", { a: 1 }), "storage-disabled");
    await rejectsWith(collect(kv.users()), "storage-disabled");
    const map = await sm.open("h", "roster", "map");
    await rejectsWith(map.get("alice", "k"), "storage-disabled");
    const archive = await sm.open("h", "archive", "archive");
    await rejectsWith(archive.append("alice", null, new Element("message"), 1), "storage-disabled");
    await rejectsWith(archive.find("alice"), "storage-disabled");
    await sm.close();
  });
});

describe("none backend", () => {
  it("finds nothing and refuses writes", async () => {
    const sm = new StorageManager({ storage: "none" });
    const kv = await sm.open("h", "roster");
    assert.deepEqual(await kv.get("alice"), {}, "as Prosody, an empty table");
    await rejectsWith(kv.set("alice", { a: 1 }), "storage-disabled");
    assert.deepEqual(await collect(kv.users()), []);
    const archive = await sm.open("h", "archive", "archive");
    const result = await archive.find("alice", { total: true });
    assert.deepEqual(await collect(result), []);
    assert.equal(result.total, 0);
    await rejectsWith(archive.append("alice", null, new Element("message"), 1), "storage-disabled");
    await sm.purge("alice", "h");
    await sm.close();
  });
});
