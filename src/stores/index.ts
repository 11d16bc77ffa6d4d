import type { CoreManager } from "../manager/manager.js";
import { checkName } from "../manager/validate.js";
import { accountStore, type AccountStore } from "./accounts.js";
import { accountDetailsStore, type AccountDetailsStore } from "./account-details.js";
import { accountRolesStore, type AccountRolesStore } from "./account-roles.js";
import { accountFlagsStore, type AccountFlagsStore } from "./account-flags.js";
import { accountActivityStore, type AccountActivityStore } from "./account-activity.js";
import { blocklistStore, type BlocklistStore } from "./blocklist.js";
import type { StoreScope } from "./common.js";
import { personalArchive, mucLog, type MessageArchive, type PersonalArchive } from "./message-archive.js";
import { mucStore, type MucStore } from "./muc.js";
import { offlineStore, type OfflineStore } from "./offline.js";
import { privacyStore, type PrivacyStore } from "./privacy.js";
import { privateXmlStore, type PrivateXmlStore } from "./private.js";
import { pepStore, pubsubService, type PepStore, type PubsubService } from "./pubsub.js";
import { rosterStore, type RosterStore } from "./roster.js";
import { vcardStore, type VCardStore } from "./vcard.js";
import { vcard4Store, type VCard4Store } from "./vcard4.js";

/** The typed stores of one manager, each by host: `stores(sm).roster("example.com")`. */
export interface TypedStores {
  /** The accounts of `host`, as mod_auth_internal_hashed keeps them (see {@link AccountStore}). */
  accounts(host: string): AccountStore;
  /** Rosters of `host`'s users, in rostermanager's shape. */
  roster(host: string): RosterStore;
  /** vcard-temp vCards (mod_vcard). */
  vcard(host: string): VCardStore;
  /** vCard4 in PEP (mod_vcard4, mod_vcard_legacy: Debian's default), with vcard-temp conversion. */
  vcard4(host: string): VCard4Store;
  /** Private XML storage, XEP-0049 (mod_private). */
  privateXml(host: string): PrivateXmlStore;
  /** Blocked JIDs, XEP-0191 (mod_blocklist). */
  blocklist(host: string): BlocklistStore;
  /** Privacy lists, XEP-0016 (mod_privacy's data). */
  privacy(host: string): PrivacyStore;
  /** Registration details (mod_register's `account_details`). */
  accountDetails(host: string): AccountDetailsStore;
  /** Prosody 13's roles of `host`'s users (mod_authz_internal's `account_roles`). */
  accountRoles(host: string): AccountRolesStore;
  /** Prosody 13's account flags (mod_flags' `account_flags`). */
  accountFlags(host: string): AccountFlagsStore;
  /** Prosody 13's last activity of `host`'s users (mod_account_activity's `account_activity`). */
  accountActivity(host: string): AccountActivityStore;
  /** Users' message archives (mod_mam's `archive`) with XEP-0313 queries, quota and expiry. */
  messageArchive(host: string): PersonalArchive;
  /** MUC room logs (mod_muc_mam's `muc_log`) of a MUC host. */
  mucLog(host: string): MessageArchive;
  /** Messages held for offline users (mod_offline). */
  offline(host: string): OfflineStore;
  /** Rooms of a MUC host (mod_muc's `persistent`, `config`, `state`). */
  muc(host: string): MucStore;
  /** A PubSub host's nodes and items (mod_pubsub). */
  pubsub(host: string): PubsubService;
  /** Users' PEP nodes and items (mod_pep). */
  pep(host: string): PepStore;
}

const MAKERS: { [K in keyof TypedStores]: (scope: StoreScope) => ReturnType<TypedStores[K]> } = {
  accounts: accountStore,
  roster: rosterStore,
  vcard: vcardStore,
  vcard4: vcard4Store,
  privateXml: privateXmlStore,
  blocklist: blocklistStore,
  privacy: privacyStore,
  accountDetails: accountDetailsStore,
  accountRoles: accountRolesStore,
  accountFlags: accountFlagsStore,
  accountActivity: accountActivityStore,
  messageArchive: personalArchive,
  mucLog,
  offline: offlineStore,
  muc: mucStore,
  pubsub: pubsubService,
  pep: pepStore,
};

const byManager = new WeakMap<CoreManager, TypedStores>();

/**
 * The typed stores built on `sm`. One object per manager, and one store per kind and host, so
 * that every caller shares a store's record locks.
 */
export function stores(sm: CoreManager): TypedStores {
  let typed = byManager.get(sm);
  if (typed === undefined) {
    const made = new Map<string, unknown>();
    const accessor =
      <K extends keyof TypedStores>(kind: K) =>
      (host: string): ReturnType<TypedStores[K]> => {
        checkName(host, "host");
        const key = `${kind}\0${host}`;
        let store = made.get(key) as ReturnType<TypedStores[K]> | undefined;
        if (store === undefined) {
          store = MAKERS[kind]({ sm, host });
          made.set(key, store);
        }
        return store;
      };
    const entries = (Object.keys(MAKERS) as Array<keyof TypedStores>).map((kind) => [kind, accessor(kind)]);
    typed = Object.freeze(Object.fromEntries(entries)) as TypedStores;
    byManager.set(sm, typed);
  }
  return typed;
}
