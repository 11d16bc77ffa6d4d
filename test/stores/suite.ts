import { describe } from "node:test";
import type { ConformanceTarget } from "../conformance/index.js";
import { accountTests } from "./accounts.js";
import { archiveStoreTests } from "./archives.js";
import { concurrencyTests } from "./concurrency.js";
import { serviceTests } from "./services.js";
import { profileTests } from "./profile.js";
import { rosterTests } from "./roster.js";

/** Every typed store's tests on one backend; each backend's test file calls this once. */
export function runTypedStoreTests(target: ConformanceTarget): void {
  describe(`typed stores: ${target.name}`, () => {
    accountTests(target);
    rosterTests(target);
    profileTests(target);
    archiveStoreTests(target);
    serviceTests(target);
    concurrencyTests(target);
  });
}
