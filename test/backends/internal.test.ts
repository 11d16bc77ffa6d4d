import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runConformance } from "../conformance/index.js";

runConformance({
  name: "internal",
  defaultQuota: 10000,
  makeConfig: async () => ({ storage: "internal", data_path: await mkdtemp(join(tmpdir(), "xs-conf-internal-")) }),
  cleanup: async (config) => rm(config.data_path as string, { recursive: true, force: true }),
});
