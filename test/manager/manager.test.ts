import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { StorageManager, StorageError, REMOVE, type Backend, type BackendFactory, type KeyValStore } from "../../src/index.js";
import { createMemoryBackend } from "../../src/backends/memory/index.js";
import { collect, rejectsWith } from "../conformance/index.js";

/** A keyval-only backend over the memory backend, counting how often it is created. */
function keyvalOnly(counter: { created: number; closed: number; purged: string[]; asked?: string[] }): BackendFactory {
  return async (options, context): Promise<Backend> => {
    counter.created++;
    const memory = await createMemoryBackend(options, context);
    return {
      caps: { stores: ["keyval"], persistent: false, byteStrings: true },
      open(store, type) {
        counter.asked?.push(type);
        if (type !== "keyval") throw new StorageError("unsupported-store", `[kvonly] no ${type}`);
        return memory.open(store, type);
      },
      async purge(user) {
        counter.purged.push(user);
      },
      async close() {
        counter.closed++;
      },
    };
  };
}

describe("storage manager", () => {
  it("loads a backend only when a store first needs it, once per host", async () => {
    const counter = { created: 0, closed: 0, purged: [] as string[] };
    const sm = new StorageManager({ storage: "kvonly", backends: { kvonly: keyvalOnly(counter) } });
    assert.equal(counter.created, 0);
    await sm.open("example.com", "roster");
    await sm.open("example.com", "vcard");
    assert.equal(counter.created, 1);
    await sm.open("other.example", "roster");
    assert.equal(counter.created, 2);
    await sm.close();
    assert.equal(counter.closed, 2);
  });

  it("returns the same store for the same host, store and type", async () => {
    const sm = new StorageManager({ storage: "memory" });
    assert.equal(await sm.open("h", "roster"), await sm.open("h", "roster"));
    assert.notEqual(await sm.open("h", "roster"), await sm.open("h", "roster", "map"));
    await sm.close();
  });

  it("fails loudly when a backend cannot be loaded", async () => {
    const sm = new StorageManager({ storage: "nosuchbackend" });
    const error = await rejectsWith(sm.open("example.com", "roster"), "backend-failure", /nosuchbackend/);
    assert.match(error.message, /xmppstore-storage-nosuchbackend/);
    await sm.close();
  });

  it("fails loudly when a backend cannot start, naming it and why", async () => {
    const broken: BackendFactory = () => {
      throw new Error("database unreachable");
    };
    const sm = new StorageManager({ storage: { roster: "broken" }, default_storage: "memory", backends: { broken } });
    await rejectsWith(sm.open("example.com", "roster"), "backend-failure", /\[broken\].*database unreachable/);
    await (await sm.open("example.com", "vcard")).set("alice", { ok: true });
    await sm.close();
  });

  it("loads plugins from plugin_paths", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xs-plugin-"));
    try {
      const sm = new StorageManager({ storage: "jsonfile", data_path: dir, plugin_paths: ["examples/plugins"] });
      const kv = await sm.open("example.com", "roster");
      await kv.set("alice", { "bob@example.com": { subscription: "both" } });
      assert.deepEqual(await kv.get("alice"), { "bob@example.com": { subscription: "both" } });
      await rejectsWith(kv.set("alice", { n: 2n ** 60n }), "unsupported-datatype", /jsonfile/);
      const map = await sm.open("example.com", "roster", "map");
      await map.set("alice", "carol@example.com", { subscription: "to" });
      assert.deepEqual(await map.get("alice", "carol@example.com"), { subscription: "to" });
      await rejectsWith(sm.open("example.com", "archive", "archive"), "unsupported-store");
      await sm.close();
      const again = new StorageManager({ storage: "jsonfile", data_path: dir, plugin_paths: ["examples/plugins"] });
      assert.deepEqual(await collect((await again.open("example.com", "roster")).users()), ["alice"]);
      await again.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("gives a map over keyval where the backend's caps name no map stores, asking it only for what its caps name", async () => {
    const counter = { created: 0, closed: 0, purged: [] as string[], asked: [] as string[] };
    const sm = new StorageManager({ storage: "kvonly", backends: { kvonly: keyvalOnly(counter) } });
    const map = await sm.open("h", "blocklist", "map");
    await map.setKeys("alice", { "a@evil.example": true, "b@evil.example": true });
    await map.setKeys("alice", { "a@evil.example": REMOVE });
    await map.set("bob", "b@evil.example", true);
    assert.deepEqual(await (await sm.open("h", "blocklist")).get("alice"), { "b@evil.example": true });
    assert.deepEqual({ ...(await map.getAll("b@evil.example")) }, { alice: true, bob: true });
    await map.deleteAll("b@evil.example");
    assert.equal(await (await sm.open("h", "blocklist")).get("alice"), undefined);
    const plus = await sm.open("h", "pep", "keyval+");
    await plus.setKey("alice", "node", { x: 1 });
    assert.deepEqual(await plus.get("alice"), { node: { x: 1 } });
    await rejectsWith(sm.open("h", "archive", "archive"), "unsupported-store", /\[kvonly\] no archive stores/);
    assert.deepEqual(new Set(counter.asked), new Set(["keyval"]));
    // The composed stores say so in their caps; the rest comes from the keyval store's.
    assert.deepEqual({ ...map.caps }, { persistent: false, byteStrings: true, native: false });
    assert.deepEqual({ ...plus.caps }, { persistent: false, byteStrings: true, native: false });
    await sm.close();
  });

  it("gives the stores of a plugin that sets no store caps its backend's, or the default ones", async () => {
    const bare = (caps?: Backend["caps"]): BackendFactory => () => {
      const data = new Map<string | null, unknown>();
      return {
        ...(caps ? { caps } : {}),
        open: () => ({
          get: async (user: string | null) => data.get(user) as never,
          set: async (user: string | null, value: unknown) => void data.set(user, value),
          users: async function* () {},
        }),
      };
    };
    const sm = new StorageManager({
      storage: { roster: "stated", vcard: "silent" },
      backends: { stated: bare({ stores: ["keyval", "map"], persistent: false, byteStrings: false }), silent: bare() },
    });
    try {
      assert.deepEqual({ ...(await sm.open("h", "roster")).caps }, { persistent: false, byteStrings: false });
      assert.deepEqual({ ...(await sm.open("h", "roster", "map")).caps }, { persistent: false, byteStrings: false, native: true });
      assert.deepEqual({ ...(await sm.open("h", "vcard")).caps }, { persistent: true, byteStrings: true });
      assert.deepEqual({ ...(await sm.open("h", "vcard", "keyval+")).caps }, { persistent: true, byteStrings: true, native: false });
    } finally {
      await sm.close();
    }
  });

  it("purges a user from every backend the host uses", async () => {
    const counter = { created: 0, closed: 0, purged: [] as string[] };
    const sm = new StorageManager({
      storage: { roster: "kvonly" },
      default_storage: "memory",
      backends: { kvonly: keyvalOnly(counter) },
    });
    await (await sm.open("h", "vcard")).set("alice", { fn: "Alice" });
    await sm.purge("alice", "h");
    assert.deepEqual(counter.purged, ["alice"], "a configured backend is loaded to be purged");
    assert.equal(await (await sm.open("h", "vcard")).get("alice"), undefined);
    await rejectsWith(sm.purge("", "h"), "invalid-input");
    await sm.close();
  });

  it("lets store-opened listeners wrap stores", async () => {
    const sm = new StorageManager({ storage: "memory" });
    const seen: string[] = [];
    let reads = 0;
    const off = sm.onStoreOpened((event) => {
      seen.push(`${event.host}/${event.name}/${event.type}/${event.backend}`);
      if (event.type !== "keyval") return;
      const inner = event.store as KeyValStore;
      return { ...inner, get: (user: string | null) => (reads++, inner.get(user)), users: () => inner.users(), set: inner.set };
    });
    const kv = await sm.open("h", "roster");
    await kv.get("alice");
    await sm.open("h", "archive", "archive");
    off();
    await sm.open("h", "vcard");
    assert.deepEqual(seen, ["h/roster/keyval/memory", "h/archive/archive/memory"]);
    assert.equal(reads, 1);
    await sm.close();
  });

  it("sends log lines to the configured logger", async () => {
    const lines: string[] = [];
    const sm = new StorageManager({ storage: "memory", logger: { debug: (line) => lines.push(line) } });
    await sm.open("h", "roster");
    assert.ok(lines.some((line) => line.includes("memory")));
    await sm.close();
  });

  it("validates hosts, stores and types", async () => {
    const sm = new StorageManager({ storage: "memory" });
    await rejectsWith(sm.open("", "roster"), "invalid-input", /host/);
    await rejectsWith(sm.open("h", 7 as never), "invalid-input", /store/);
    await rejectsWith(sm.open("h", "roster", "table" as never), "invalid-input", /type/);
    await sm.close();
    await rejectsWith(sm.open("h", "roster"), "backend-failure", /closed/);
  });

  it("turns unexpected backend errors into backend-failure naming the backend and store", async () => {
    const flaky: BackendFactory = () => ({
      open: () => ({
        get: async () => {
          throw new Error("disk on fire");
        },
        set: async () => {},
        users: () => ({
          [Symbol.asyncIterator]: () => ({
            next: async () => {
              throw new TypeError("cannot list");
            },
          }),
        }),
      }),
    });
    const sm = new StorageManager({ storage: "flaky", backends: { flaky } });
    const kv = await sm.open("example.com", "roster");
    const error = await rejectsWith(kv.get("alice"), "backend-failure", /\[flaky\].*example\.com\/roster.*disk on fire/);
    assert.ok(error.cause instanceof Error);
    await rejectsWith(collect(kv.users()), "backend-failure", /cannot list/);
    await sm.close();
  });
});
