export { LuaTable, isElement, isTable, isPlainObject, type LuaKey, type Value, type ValueObject } from "./types.js";
export { tableFromPairs, tablePairs, tableGet, tableSize, stringFromBytes, stringFields, pairsOf } from "./table.js";
export { valuesEqual, elementsEqual } from "./equal.js";
export { normalizeValue, copyValue, isEmptyTable, MAX_DEPTH } from "./normalize.js";
export { asDictionary, emptyDictionary, setField } from "./dictionary.js";
