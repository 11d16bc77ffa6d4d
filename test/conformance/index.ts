import { after, describe } from "node:test";
import { archiveTests } from "./archive.js";
import { casesWhere, conformanceCounts, holds, holdsAnything, type ConformanceTarget } from "./context.js";
import { keyvalTests } from "./keyval.js";
import { mapTests } from "./map.js";
import { purgeTests } from "./purge.js";
import { valueTests } from "./values.js";
import { prosodyDataTests } from "./prosody-data.js";

export type { ConformanceTarget, TestEnv } from "./context.js";
export { withEnv, assertValue, rejectsWith, collect } from "./context.js";
export { AWKWARD_USERS, awkwardValues } from "./keyval.js";
export { holds, holdsAnything } from "./context.js";
export { message } from "./archive.js";

/**
 * The behaviour every backend must show, from Prosody's storage semantics and the API
 * contract. A backend's test file calls this once with how to configure it.
 */
export function runConformance(target: ConformanceTarget): void {
  describe(`conformance: ${target.name}`, () => {
    // Cases with arbitrary store names and values apply to backends that hold anything; a backend
    // with a fixed set of stores (caps.holds, e.g. XEP-0227) runs the rest on the stores it holds.
    casesWhere(holdsAnything, () => {
      keyvalTests(target);
      mapTests(target);
      purgeTests(target);
      valueTests(target);
    });
    casesWhere((caps) => holds(caps, "archive", "archive"), () => archiveTests(target));
    prosodyDataTests(target);
    after(() => {
      const counts = conformanceCounts.get(target.name);
      if (counts) console.log(`conformance suite on ${target.name}: ${counts.passed} of ${counts.passed + counts.failed} tests passed${counts.skipped ? `, ${counts.skipped} do not apply (caps)` : ""}`);
    });
  });
}
