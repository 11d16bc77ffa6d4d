import assert from "node:assert/strict";
import { link, lstat, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { bodies, chat, T0, withDataDir, withManagerOn } from "./helpers.js";

const HOST = "example%2ecom";
const SECRET = "do not overwrite\n";

/** A data directory and, beside it (outside data_path), a directory a planted link points into. */
async function withOutside(body: (dir: string, outside: string) => Promise<void>): Promise<void> {
  const outside = await mkdtemp(join(tmpdir(), "xs-outside-"));
  try {
    await withDataDir((dir) => body(dir, outside));
  } finally {
    await rm(outside, { recursive: true, force: true });
  }
}

/** Rejects with backend-failure whose message names `path` and says what it is. */
async function refuses(promise: Promise<unknown>, path: string, kind = /symbolic link/): Promise<void> {
  await assert.rejects(promise, (error: Error & { condition?: string }) => {
    assert.equal(error.condition, "backend-failure", error.message);
    assert.ok(error.message.includes(path), `${error.message} names ${path}`);
    assert.match(error.message, kind);
    return true;
  });
}

const exists = (path: string) => stat(path).then(
  () => true,
  () => false,
);

describe("internal: nothing inside data_path is followed for writing", () => {
  it("refuses a planted FILE~ link instead of writing through it; replaces a leftover regular FILE~", () =>
    withOutside(async (dir, outside) =>
      withManagerOn(dir, async (sm) => {
        const roster = await sm.open("example.com", "roster", "keyval");
        await roster.set("alice", { v: 1 });
        const victim = join(outside, "victim");
        await writeFile(victim, SECRET);
        const scratch = join(dir, HOST, "roster", "alice.dat~");
        await symlink(victim, scratch);
        await refuses(roster.set("alice", { v: 2 }), scratch);
        assert.equal(await readFile(victim, "utf8"), SECRET, "the link's target is untouched");
        assert.deepEqual(await roster.get("alice"), { v: 1 }, "the stored value is unchanged");
        // A regular FILE~ left by a crashed writer (here a hard link to the outside file) is
        // removed, not written into, and the write goes ahead.
        await rm(scratch);
        await link(victim, scratch);
        await roster.set("alice", { v: 3 });
        assert.equal(await readFile(victim, "utf8"), SECRET);
        assert.deepEqual(await roster.get("alice"), { v: 3 });
        assert.equal(await exists(scratch), false);
      }),
    ));

  it("refuses a dangling .list link instead of creating its target on append", () =>
    withOutside(async (dir, outside) =>
      withManagerOn(dir, async (sm) => {
        const archive = await sm.open("example.com", "archive", "archive");
        await archive.append("juliet", null, chat("first"), T0);
        const target = join(outside, "created-by-append");
        const list = join(dir, HOST, "archive", "bob.list");
        await symlink(target, list);
        await refuses(archive.append("bob", null, chat("hi"), T0), list);
        assert.equal(await exists(target), false, "append created the link's target");
        await refuses(archive.find("bob"), list);
      }),
    ));

  it("replaces a linked .lidx by a real one in a Prosody 13 deployment, leaving the link's target alone", () =>
    withOutside(async (dir, outside) =>
      withManagerOn(
        dir,
        async (sm) => {
          const archive = await sm.open("example.com", "archive", "archive");
          await archive.append("juliet", "k0", chat("first"), T0);
          // Planted after the first append: the list is indexed and its .lidx known to be right.
          const lidx = join(dir, HOST, "archive", "juliet.lidx");
          await rm(lidx);
          const target = join(outside, "juliet.lidx");
          await symlink(target, lidx);
          await archive.append("juliet", "k1", chat("second"), T0 + 1);
          assert.deepEqual(await bodies(await archive.find("juliet")), ["first", "second"]);
          assert.equal(await exists(target), false, "nothing written through the link");
          assert.ok((await lstat(lidx)).isFile(), "a real index in its place");
        },
        { prosody_version: "13" },
      ),
    ));

  it("refuses a data file that is a link, for writing and removal as for reading", () =>
    withOutside(async (dir, outside) =>
      withManagerOn(dir, async (sm) => {
        const roster = await sm.open("example.com", "roster", "keyval");
        await roster.set("juliet", { v: 1 });
        const victim = join(outside, "victim.dat");
        await writeFile(victim, "return { v = 9 };\n");
        const file = join(dir, HOST, "roster", "alice.dat");
        await symlink(victim, file);
        await refuses(roster.get("alice"), file);
        await refuses(roster.set("alice", { v: 2 }), file);
        const map = await sm.open("example.com", "roster", "map");
        await refuses(map.set("alice", "v", 3), file);
        assert.equal(await readFile(victim, "utf8"), "return { v = 9 };\n");
      }),
    ));

  it("refuses a linked store or host directory: no write, removal or purge lands outside data_path", () =>
    withOutside(async (dir, outside) =>
      withManagerOn(dir, async (sm) => {
        const roster = await sm.open("example.com", "roster", "keyval");
        await roster.set("alice", { v: 1 });
        // The store directory `private` is a link to a directory outside data_path.
        await writeFile(join(outside, "alice.dat"), "return { v = 7 };\n");
        await writeFile(join(outside, "alice.list"), "");
        const linkedStore = join(dir, HOST, "private");
        await symlink(outside, linkedStore);
        const priv = await sm.open("example.com", "private", "keyval");
        await refuses(priv.set("bob", { v: 2 }), linkedStore, /symbolic link, not a directory/);
        await refuses(priv.set("alice", null), linkedStore);
        await refuses(priv.get("alice"), linkedStore);
        const privArchive = await sm.open("example.com", "private", "archive");
        await refuses(privArchive.append("alice", null, chat("x"), T0), linkedStore);
        await refuses(privArchive.delete("alice"), linkedStore);
        await refuses(sm.purge("alice", "example.com"), linkedStore);
        assert.deepEqual((await readdir(outside)).sort(), ["alice.dat", "alice.list"], "nothing created or removed outside");
        assert.equal(await readFile(join(outside, "alice.dat"), "utf8"), "return { v = 7 };\n");
        // A linked host directory.
        await mkdir(join(outside, "h"));
        await symlink(join(outside, "h"), join(dir, "other%2ecom"));
        const other = await sm.open("other.com", "roster", "keyval");
        await refuses(other.set("alice", { v: 1 }), join(dir, "other%2ecom"));
        assert.deepEqual(await readdir(join(outside, "h")), []);
      }),
    ));

  it("follows data_path itself when it is a link", () =>
    withOutside(async (dir, outside) => {
      const linked = join(outside, "data");
      await symlink(dir, linked);
      await withManagerOn(linked, async (sm) => {
        const roster = await sm.open("example.com", "roster", "keyval");
        await roster.set("alice", { v: 1 });
        assert.deepEqual(await roster.get("alice"), { v: 1 });
        const archive = await sm.open("example.com", "archive", "archive");
        await archive.append("alice", null, chat("hello"), T0);
        assert.deepEqual(await bodies(await archive.find("alice")), ["hello"]);
      });
      assert.ok(await exists(join(dir, HOST, "roster", "alice.dat")));
    }));
});
