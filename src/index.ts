export { CoreManager, type StoreOpenedEvent, type StoreOpenedListener } from "./manager/manager.js";
export { StorageManager } from "./stores/storage-manager.js";
export { stores, type TypedStores } from "./stores/index.js";
export type { StorageConfig, HostOptions, SqlOptions, SqlDriver } from "./contracts/index.js";
export { StorageError, isStorageError, CONDITIONS, type StorageCondition } from "./errors.js";
export {
  REMOVE,
  type User,
  type StoreType,
  type KeyValStore,
  type MapStore,
  type KeyValPlusStore,
  type ArchiveStore,
  type ArchiveQuery,
  type ArchiveDeleteQuery,
  type ArchiveItem,
  type ArchiveResult,
  type ArchiveCaps,
  type KeyValCaps,
  type MapCaps,
  type ArchiveSummary,
  type AnyStore,
  type Logger,
} from "./contracts/index.js";
export { storeCaps, type Backend, type BackendCaps, type BackendStore, type BackendFactory, type BackendContext, type SharedResources, type DiscoveredStore } from "./contracts/index.js";
export {
  LuaTable,
  valuesEqual,
  copyValue,
  normalizeValue,
  MAX_DEPTH,
  isTable,
  tablePairs,
  tableFromPairs,
  type LuaKey,
  type Value,
  type ValueObject,
} from "./values/index.js";
export { Element } from "ltx";
/** Prosody's serialized stanza tables (`st.preserialize`'s `{ name, attr, [1..n] }`) to Elements and back. */
export { elementFromTable, tableFromElement } from "./format/lua/stanza.js";
export { pluginPackageName } from "./manager/registry.js";
export type { AccountStore } from "./stores/accounts.js";
export type { RosterStore, Roster, RosterItem, Subscription } from "./stores/roster.js";
export type { VCardStore } from "./stores/vcard.js";
export type { VCard4Store } from "./stores/vcard4.js";
export { toVcardTemp, fromVcardTemp } from "./stores/vcard-convert.js";
export type { PrivateXmlStore } from "./stores/private.js";
export type { BlocklistStore, BlockedJid } from "./stores/blocklist.js";
export type { PrivacyStore, PrivacyLists, PrivacyList, PrivacyItem, PrivacyStanzaKind } from "./stores/privacy.js";
export type { AccountDetailsStore, AccountDetails } from "./stores/account-details.js";
export type { AccountRolesStore, AccountRoles } from "./stores/account-roles.js";
export { PROSODY_ROLE_PRIORITY } from "./stores/account-roles.js";
export type { AccountFlagsStore, AccountFlag } from "./stores/account-flags.js";
export type { AccountActivityStore } from "./stores/account-activity.js";
export type { MessageArchive, PersonalArchive } from "./stores/message-archive.js";
export type { MamPrefs, MamPrefsStore } from "./stores/mam-prefs.js";
export type { OfflineStore } from "./stores/offline.js";
export type { MucStore, MucRoom, Affiliation } from "./stores/muc.js";
export type { PubsubService, PubsubNode, PubsubItem, PepStore } from "./stores/pubsub.js";
export {
  parseMamQuery,
  planMamQuery,
  pageFromResult,
  queryArchive,
  finElement,
  MAM_NS,
  RSM_NS,
  type MamQuery,
  type MamLimits,
  type MamPage,
  type MamPlan,
} from "./stores/mam.js";
export { nameprep, nodeprep, resourceprep, saslprep, type PrepareOptions } from "./format/stringprep/index.js";
