import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runTypedStoreTests } from "./suite.js";

runTypedStoreTests({
  name: "internal",
  defaultQuota: 10000,
  makeConfig: async () => ({ storage: "internal", data_path: await mkdtemp(join(tmpdir(), "xs-typed-internal-")) }),
  cleanup: async (config) => rm(config.data_path as string, { recursive: true, force: true }),
});
