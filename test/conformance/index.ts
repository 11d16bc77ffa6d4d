import { after, describe } from "node:test";
import { archiveTests } from "./archive.js";
import { conformanceCounts, type ConformanceTarget } from "./context.js";
import { keyvalTests } from "./keyval.js";
import { mapTests } from "./map.js";
import { purgeTests } from "./purge.js";
import { valueTests } from "./values.js";

export type { ConformanceTarget, TestEnv } from "./context.js";
export { withEnv, assertValue, rejectsWith, collect } from "./context.js";
export { AWKWARD_USERS, awkwardValues } from "./keyval.js";
export { message } from "./archive.js";

/**
 * The behaviour every backend must show, from Prosody's storage semantics and the API
 * contract. A backend's test file calls this once with how to configure it.
 */
export function runConformance(target: ConformanceTarget): void {
  describe(`conformance: ${target.name}`, () => {
    keyvalTests(target);
    mapTests(target);
    archiveTests(target);
    purgeTests(target);
    valueTests(target);
    after(() => {
      const counts = conformanceCounts.get(target.name);
      if (counts) console.log(`conformance suite on ${target.name}: ${counts.passed} of ${counts.passed + counts.failed} tests passed`);
    });
  });
}
