export { nameprep, nodeprep, resourceprep, saslprep } from "./profiles.js";
export type { PrepareOptions } from "./prepare.js";
