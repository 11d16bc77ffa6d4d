/** SASLprep lives with the other stringprep profiles; re-exported where the accounts store uses it. */
export { saslprep } from "../format/stringprep/index.js";
