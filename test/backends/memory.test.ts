import { runConformance } from "../conformance/index.js";

runConformance({
  name: "memory",
  defaultQuota: 1000,
  makeConfig: () => ({ storage: "memory" }),
});
