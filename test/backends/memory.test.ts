import { runConformance } from "../conformance/index.js";

runConformance({
  name: "memory",
  persistent: false,
  defaultQuota: 1000,
  makeConfig: () => ({ storage: "memory" }),
});
