import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StorageManager } from "../../src/index.js";

/** Wall time of one call, in milliseconds. */
async function timeMs(call: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await call();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe("accounts: verify does not tell by its time whether an account exists", () => {
  it("takes about as long for a missing account as for an existing one (issue 11)", async (t) => {
    const sm = new StorageManager({ storage: "memory" });
    try {
      const accounts = sm.accounts("timing.example");
      await accounts.create("present", "secret");
      // Calls alternate and medians are compared: robust against other work on a shared machine.
      const present: number[] = [];
      const missing: number[] = [];
      for (let round = 0; round < 30; round++) {
        present.push(await timeMs(() => accounts.verify("present", "wrong")));
        missing.push(await timeMs(() => accounts.verify("absent", "wrong")));
      }
      const ratio = median(missing) / median(present);
      t.diagnostic(`missing/existing verify time ratio ${ratio.toFixed(3)}`);
      // The old code answered a missing account ~200 times faster; the bounds allow for noise.
      assert.ok(ratio > 0.25 && ratio < 4, `missing/existing verify time ratio ${ratio.toFixed(3)}`);
    } finally {
      await sm.close();
    }
  });
});
