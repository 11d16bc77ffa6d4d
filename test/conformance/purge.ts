import assert from "node:assert/strict";
import { describe } from "node:test";
import { assertValue, collect, withEnv, conformanceIt as it, type ConformanceTarget } from "./context.js";
import { message } from "./archive.js";

export function purgeTests(target: ConformanceTarget): void {
  describe("purge", () => {
    it(target, "deletes all of one user's data and nobody else's", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const [gone, kept] = [user("gone"), user("kept")];
        for (const store of ["roster", "vcard", "private"]) {
          const kv = await sm.open(host, store);
          await kv.set(gone, { store });
          await kv.set(kept, { store });
        }
        const archive = await sm.open(host, "archive", "archive");
        await archive.append(gone, null, message("bye"), 1_700_000_000);
        await archive.append(kept, null, message("hi"), 1_700_000_000);
        await (await sm.open(host, "persistent")).set(null, { room: true });
        await sm.purge(gone, host);
        for (const store of ["roster", "vcard", "private"]) {
          const kv = await sm.open(host, store);
          assert.equal(await kv.get(gone), undefined, store);
          assertValue(await kv.get(kept), { store });
        }
        assert.deepEqual(await collect(await archive.find(gone)), []);
        assert.equal((await collect(await archive.find(kept))).length, 1);
        assertValue(await (await sm.open(host, "persistent")).get(null), { room: true });
      }));
  });
}
