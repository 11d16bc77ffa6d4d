// The neutral types every layer above shares: stores and queries, backends, options. They import
// nothing above `values` and `errors`, so backends and the manager can both depend on them.
export * from "./stores.js";
export * from "./backend.js";
export type * from "./options.js";
export type * from "./config.js";
export * from "./sql-drivers.js";
export * from "./prosody-version.js";
