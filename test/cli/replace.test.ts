import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StorageManager } from "../../src/stores/storage-manager.js";
import type { StorageConfig } from "../../src/contracts/index.js";
import { main } from "../../src/cli/main.js";
import { fillSample } from "../migrate/sample.js";
import { captureIO } from "./io.js";

async function run(argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const io = captureIO();
  const status = await main(argv, io);
  return { status, stdout: io.stdout(), stderr: io.stderr() };
}

/** A target holding a stale roster entry and archive item on a migrated host, and another host. */
async function staleTarget(options: StorageConfig): Promise<void> {
  const sm = new StorageManager(options);
  await (await sm.open("example.com", "roster")).set("stale", { "x@example.com": { subscription: "both" } });
  await (await sm.open("example.com", "vcard")).set("stale", { name: "vCard", attr: {} });
  await (await sm.open("other.example", "roster")).set("zoe", { "y@other.example": { subscription: "both" } });
  await sm.close();
}

for (const kind of ["internal", "sqlite"] as const) {
  test(`migrate --replace into ${kind}: clears what is migrated first, says so, keeps other hosts`, async (t) => {
    const dir = await mkdtemp(join(tmpdir(), "xs-replace-"));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const source = new StorageManager({ storage: "internal", data_path: join(dir, "src") });
    await fillSample(source, 3);
    await source.close();
    const options: StorageConfig = kind === "internal"
      ? { storage: "internal", data_path: join(dir, "dst") }
      : { storage: "sql", sql: { driver: "SQLite3", database: join(dir, "dst.sqlite") } };
    const to = kind === "internal" ? `internal:${dir}/dst` : `sqlite:${dir}/dst.sqlite`;
    const from = `internal:${dir}/src`;
    const dumpHost = async (host: string) => JSON.parse((await run(["dump", "--from", to, "--host", host])).stdout).hosts[host];

    // Without --replace: merged, and said so.
    await staleTarget(options);
    const merged = await run(["migrate", "--from", from, "--to", to, "--quiet", "--verify"]);
    assert.match(merged.stderr, /already holds data .*merging into it/);
    // --verify names where the target differs from what was migrated; other.example is not compared.
    assert.equal(merged.status, 1, merged.stderr);
    assert.match(merged.stderr, /verify failed: host example\.com, keyval store "roster", user "stale": only in the target\n {2}source: \(nothing\)\n {2}target: \{"x@example\.com":/);
    assert.match(merged.stdout, /verify: +differs: host example\.com, keyval store "roster", user "stale"/);
    assert.ok((await dumpHost("example.com")).keyval.roster.stale);

    // A --store the source lacks fails before anything is cleared.
    const wrong = await run(["migrate", "--from", from, "--to", to, "--quiet", "--replace", "--store", "rooster"]);
    assert.equal(wrong.status, 2);
    assert.ok((await dumpHost("example.com")).keyval.roster.stale);

    // --replace --store roster: only the roster is cleared.
    const onlyRoster = await run(["migrate", "--from", from, "--to", to, "--quiet", "--replace", "--store", "roster"]);
    assert.equal(onlyRoster.status, 0, onlyRoster.stderr);
    assert.match(onlyRoster.stderr, /^xmppstore migrate: --replace: clearing 1 store\(s\) in .* before migrating: example\.com\/roster:keyval\n/);
    let host = await dumpHost("example.com");
    assert.equal(host.keyval.roster.stale, undefined);
    assert.ok(host.keyval.vcard.stale, "a store not named is kept");

    // --replace alone: every store of the source's hosts, not other.example.
    const all = await run(["migrate", "--from", from, "--to", to, "--quiet", "--replace", "--verify"]);
    assert.equal(all.status, 0, all.stderr);
    assert.match(all.stdout, /verify: +identical \(\d+ stores, \d+ items compared\)/);
    assert.match(all.stderr, /--replace: clearing \d+ store\(s\) .*example\.com\/vcard:keyval/);
    assert.doesNotMatch(all.stderr, /other\.example|merging/);
    host = await dumpHost("example.com");
    assert.equal(host.keyval.vcard, undefined);
    assert.ok((await dumpHost("other.example")).keyval.roster.zoe);
    const a = await run(["dump", "--from", from, "--host", "example.com"]);
    const b = await run(["dump", "--from", to, "--host", "example.com"]);
    assert.equal(b.stdout, a.stdout);
  });
}
