import type { Element } from "ltx";
import { isStorageError, storageError } from "../errors.js";
import type { ArchiveItem, ArchiveStore } from "../contracts/index.js";
import { hostOptions, invalidInput, nowSeconds, type StoreScope } from "./common.js";
import { prepAddressJid, prepJid, storedUsername } from "./jid.js";
import { mamPrefsStore, type MamPrefsStore } from "./mam-prefs.js";
import { queryArchive, type MamLimits, type MamPage, type MamQuery } from "./mam.js";
import { checkElement } from "./stanza-table.js";
import { parseExpiry } from "../util/period.js";

/** A message archive (`archive`, mod_mam) or a MUC log (`muc_log`, mod_muc_mam). */
export interface MessageArchive {
  /**
   * Archives a stanza and returns its id. Over quota it first expires old messages, then
   * truncates to 99% of the quota where the backend can, as mod_mam does.
   */
  append(owner: string, stanza: Element, options?: { with?: string; when?: number }): Promise<string>;
  /** Runs a XEP-0313 query; see {@link MamQuery}. */
  query(owner: string, query?: MamQuery): Promise<MamPage>;
  get(owner: string, id: string): Promise<ArchiveItem | undefined>;
  /** Deletes the owner's messages older than `seconds`, or than the configured expiry; returns how many. */
  expire(owner: string, seconds?: number): Promise<number>;
  /** Expires every owner's old messages (the daily cleanup job). */
  expireAll(seconds?: number): Promise<number>;
  /** Deletes the owner's whole archive. */
  clear(owner: string): Promise<void>;
  owners(): AsyncIterable<string>;
}

interface ArchiveKind {
  store: string;
  /** The store mod_mam keeps its "who has messages on which day" map in. */
  cleanupStore: string;
  expiryOption: string;
  totalOption: string;
  /** The archive's `with` for a stanza appended to `owner@host`'s archive. */
  withFor(stanza: Element, given: string | undefined, ownerJid: string): string;
  /** The `with` a query filters on, from the client's `with`. */
  queryWith(given: string | undefined): string | undefined;
  /** The archive's user for an owner given by name (or, for rooms, by JID on `host`). */
  owner(name: string, host: string): string;
}

const bareOf = (jid: string) => prepJid(jid, "with").replace(/\/.*$/, "");

const PERSONAL: ArchiveKind = {
  store: "archive",
  cleanupStore: "archive_cleanup",
  expiryOption: "archive_expires_after",
  totalOption: "mam_include_total",
  // As mod_mam: the other party, i.e. the recipient of outgoing and the sender of incoming stanzas.
  withFor(stanza, given, ownerJid) {
    if (given !== undefined) return bareOf(given);
    const from = stanza.attrs.from ? bareOf(String(stanza.attrs.from)) : ownerJid;
    const other = from === ownerJid ? stanza.attrs.to : stanza.attrs.from;
    return other ? bareOf(String(other)) : "";
  },
  queryWith: (given) => (given === undefined ? undefined : bareOf(given)),
  owner: (name) => storedUsername(name, "archive owner"),
};

const ROOM: ArchiveKind = {
  store: "muc_log",
  cleanupStore: "muc_log_cleanup",
  expiryOption: "muc_log_expires_after",
  totalOption: "muc_log_include_total",
  // mod_muc_mam files the stanza kind as `with` (e.g. "message<groupchat") and queries groupchat only.
  withFor: (stanza, given) => given ?? (stanza.attrs.type ? `${stanza.name}<${stanza.attrs.type}` : stanza.name),
  queryWith: () => "message<groupchat",
  owner(name, host) {
    if (typeof name !== "string" || !name.includes("@")) return storedUsername(name, "room");
    const room = prepAddressJid(name, "room");
    if (room.domain !== host) throw storageError("invalid-input", `room ${name} is not on ${host}`, { backend: "muc_log" });
    return room.local;
  },
};

function messageArchive(scope: StoreScope, kind: ArchiveKind): MessageArchive {
  const options = hostOptions(scope);
  let expiry: number | "never";
  try {
    expiry = parseExpiry(options[kind.expiryOption] ?? "1w", kind.expiryOption);
  } catch (error) {
    throw invalidInput(kind.store, scope, (error as Error).message);
  }
  const maxMax = options.max_archive_query_results ?? 50;
  if (!(Number.isSafeInteger(maxMax) && (maxMax as number) >= 0)) throw invalidInput(kind.store, scope, "max_archive_query_results must be a whole number");
  const limits: MamLimits = { maxMax: maxMax as number, includeTotal: options[kind.totalOption] !== false };
  const store = () => scope.sm.open(scope.host, kind.store, "archive");

  async function deleteOlder(owner: string | true, seconds: number | undefined): Promise<number> {
    const age = seconds ?? (expiry === "never" ? undefined : expiry);
    if (age === undefined) return 0;
    const removed = await (await store()).delete(owner, { end: nowSeconds() - age });
    return typeof removed === "number" ? removed : 0;
  }

  /** Notes that `owner` has messages today, so Prosody's own cleanup job finds them. */
  async function scheduleCleanup(archive: ArchiveStore, owner: string): Promise<void> {
    if (expiry === "never" || archive.caps.wildcardDelete) return;
    const date = new Date().toISOString().slice(0, 10);
    await (await scope.sm.open(scope.host, kind.cleanupStore, "map")).set(date, owner, true);
  }

  return {
    async append(owner, stanza, { with: given, when } = {}) {
      const name = kind.owner(owner, scope.host);
      checkElement(stanza, undefined, undefined, `[${kind.store}] archived stanza`);
      const withValue = kind.withFor(stanza, given, `${name}@${scope.host}`);
      const at = when ?? nowSeconds();
      const archive = await store();
      const add = () => archive.append(name, null, stanza, at, withValue);
      let id: string;
      try {
        id = await add();
      } catch (error) {
        if (!isStorageError(error, "quota-limit")) throw error;
        await deleteOlder(name, undefined);
        try {
          id = await add();
        } catch (again) {
          const quota = archive.caps.quota ?? options.storage_archive_item_limit;
          if (!isStorageError(again, "quota-limit") || !archive.caps.truncate || typeof quota !== "number") throw again;
          await archive.delete(name, { truncate: Math.floor(quota * 0.99) });
          id = await add();
        }
      }
      await scheduleCleanup(archive, name);
      return id;
    },
    async query(owner, query = {}) {
      return queryArchive(await store(), kind.owner(owner, scope.host), query, limits, kind.queryWith(query.with));
    },
    async get(owner, id) {
      const item = await (await store()).get(kind.owner(owner, scope.host), id);
      return item && { id, ...item };
    },
    expire: (owner, seconds) => deleteOlder(kind.owner(owner, scope.host), seconds),
    async expireAll(seconds) {
      const archive = await store();
      if (archive.caps.wildcardDelete) return deleteOlder(true, seconds);
      let total = 0;
      const owners: string[] = [];
      for await (const owner of archive.users()) owners.push(owner);
      for (const owner of owners) total += await deleteOlder(owner, seconds);
      return total;
    },
    async clear(owner) {
      await (await store()).delete(kind.owner(owner, scope.host));
    },
    async *owners() {
      yield* (await store()).users();
    },
  };
}

/** A user's message archive also has archiving preferences. */
export interface PersonalArchive extends MessageArchive {
  /** XEP-0313 preferences, as mod_mam keeps them in `archive_prefs`. */
  readonly prefs: MamPrefsStore;
}

/** Users' message archives (`archive`), keyed by user name. */
export function personalArchive(scope: StoreScope): PersonalArchive {
  return { ...messageArchive(scope, PERSONAL), prefs: mamPrefsStore(scope) };
}

/** MUC logs (`muc_log`), keyed by room (its localpart, or its JID). */
export function mucLog(scope: StoreScope): MessageArchive {
  return messageArchive(scope, ROOM);
}
