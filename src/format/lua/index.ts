export { serializeValue, serializeDatFile, serializeListItem, quoteString, formatNumber } from "./serialize.js";
export { formatFloat18g } from "./format-float.js";
export { parseDatFile } from "./parse.js";
export {
  parseListItems,
  scanListItems,
  type ListItem,
  type ParsedList,
  type ScannedItem,
  type ScannedList,
  type TornTail,
} from "./list.js";
export { elementFromTable, tableFromElement } from "./stanza.js";
export { parseStanzaItems, type StanzaItem, type ParsedStanzaList } from "./stanza-list.js";
export { MAX_SOURCE_BYTES } from "./source.js";
