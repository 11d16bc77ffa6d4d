export { encodeDumpValue, decodeDumpValue, type DumpJson } from "./value.js";
export { compareLuaKeys } from "./key-order.js";
export { canonicalJsonText, JsonTextWriter } from "./json-text.js";
export { canonicalXml } from "../xml/canonical.js";
