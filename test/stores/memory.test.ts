import { runTypedStoreTests } from "./suite.js";

runTypedStoreTests({ name: "memory", defaultQuota: 1000, makeConfig: () => ({ storage: "memory" }) });
