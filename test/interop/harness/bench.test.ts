// prosodyBench times Prosody's own loops inside Lua and the loops do the work they claim.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parse, type Element } from "ltx";
import { needService } from "../../helpers/services.js";
import { ProsodyBatch, prosodyAvailable } from "../../helpers/prosody.js";
import { makeProsodyEnv, prosodyEnvAvailable } from "../../helpers/prosody-env.js";
import { prosodyBench, prosodyWorkloads } from "../../helpers/prosody-bench.js";

const HOST = "example.com";

for (const kind of ["internal", "sqlite"] as const) {
  test(`${kind}: bench loops write, read and find, timed inside Lua`, async (t) => {
    if (!needService(t, "prosody", prosodyAvailable(), "apt-get install prosody (lua5.4)")) return;
    if (!needService(t, `prosody-${kind}`, await prosodyEnvAvailable(kind), `lua-dbi driver for ${kind}`)) return;
    const env = await makeProsodyEnv(kind, [HOST], { storage_archive_item_limit: 100000 });
    t.after(() => env.cleanup());
    const stanza = parse(`<message type="chat"><body>bench</body></message>`) as Element;
    const results = await prosodyBench(env.setup, [
      prosodyWorkloads.keyvalSets(HOST, "roster", 30, { "a@b": { subscription: "both", groups: {} } }),
      prosodyWorkloads.keyvalGets(HOST, "roster", 60, 30),
      prosodyWorkloads.mapSets(HOST, "private", "juliet", 10, "v"),
      prosodyWorkloads.archiveAppends(HOST, "archive", "juliet", 200, stanza, { start: 1_700_000_000, with: "romeo@x" }),
      prosodyWorkloads.archiveFinds(HOST, "archive", "juliet", 5, { limit: 20, reverse: true }),
    ]);
    assert.deepEqual(results.map((r) => r.n), [30, 60, 10, 200, 5]);
    for (const r of results) {
      assert.ok(r.seconds > 0 && r.seconds < 60, `${r.name}: ${r.seconds}`);
      assert.ok(Math.abs(r.perOpMs - (r.seconds * 1000) / r.n) < 1e-9);
    }
    assert.equal(results[4].items, 100);

    const p = new ProsodyBatch(env.setup);
    const users = p.keyvalUsers(HOST, "roster");
    const privateData = p.keyvalGet(HOST, "private", "juliet");
    const found = p.archiveFind(HOST, "archive", "juliet", { total: true, limit: 1, reverse: true });
    await p.run();
    assert.equal((await users).length, 30);
    assert.equal(Object.keys((await privateData) as object).length, 10);
    assert.equal((await found).total, 200);
    assert.equal((await found).items[0].when, 1_700_000_200);
  });
}
