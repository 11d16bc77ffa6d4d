import { runTypedStoreTests } from "./suite.js";

runTypedStoreTests({ name: "memory", persistent: false, defaultQuota: 1000, makeConfig: () => ({ storage: "memory" }) });
