import type { Element } from "ltx";
import { isTable, tablePairs, type Value, type ValueObject } from "../values/index.js";
import { invalidInput, stringFields, tableWithMeta, type StoreScope } from "./common.js";
import { prepBareJid, storedUsername } from "./jid.js";
import { RecordLocks } from "./record-lock.js";
import { checkElement, tableFromElement, storedElement } from "./stanza-table.js";

const STORE = "roster";
const SUBSCRIPTIONS = ["none", "to", "from", "both"] as const;

export type Subscription = (typeof SUBSCRIPTIONS)[number];

/** One contact, as rostermanager keeps it (`roster[jid] = { subscription, name, ask, groups }`). */
export interface RosterItem {
  /** Bare JID of the contact (the key Prosody stores the item under). */
  jid: string;
  name?: string;
  subscription: Subscription;
  /** `"subscribe"` while our subscription request is pending. */
  ask?: "subscribe";
  groups: string[];
  /** A pre-approved subscription (Prosody stores the string `"true"`). */
  approved?: boolean;
}

/** A whole roster: items plus the metadata entry Prosody keeps under the key `false`. */
export interface Roster {
  items: RosterItem[];
  /** Roster version (XEP-0237); `true` where versioning is off; undefined when never saved. */
  version: number | true | undefined;
  /** Inbound subscription requests: JID -> the presence stanza, or `true` when none was kept. */
  pending: Map<string, Element | true>;
}

/**
 * Rosters in Prosody's shape: a table of bare JID -> item with `[false] = { version, pending }`.
 * Every change bumps the version, as rostermanager's save_roster does. Item fields this API
 * does not know are kept. Changes read and rewrite the user's whole roster, as Prosody's
 * keyval path does, so concurrent writers to one roster must be serialized by the caller.
 */
export interface RosterStore {
  /** The roster; an empty one (version undefined) when nothing is stored. */
  get(user: string): Promise<Roster>;
  getItem(user: string, jid: string): Promise<RosterItem | undefined>;
  /** Adds or replaces an item. The user's own JID is refused, as Prosody refuses it. */
  setItem(user: string, item: RosterItem): Promise<void>;
  /** Removes an item; false if there was none. */
  removeItem(user: string, jid: string): Promise<boolean>;
  /** Increments the version without other changes; returns the new version. */
  bumpVersion(user: string): Promise<number | true>;
  /** Records an inbound subscription request, with the presence stanza if given. */
  addPending(user: string, jid: string, presence?: Element): Promise<void>;
  /** Forgets a pending request; false if there was none. */
  removePending(user: string, jid: string): Promise<boolean>;
  /** Deletes the user's roster. */
  delete(user: string): Promise<void>;
}

/** The stored form of a roster while it is being changed. */
interface RawRoster {
  meta: ValueObject;
  items: Map<string, ValueObject>;
}

function itemFromTable(jid: string, fields: ValueObject): RosterItem {
  const subscription = SUBSCRIPTIONS.includes(fields.subscription as Subscription) ? (fields.subscription as Subscription) : "none";
  const item: RosterItem = { jid, subscription, groups: [] };
  if (typeof fields.name === "string") item.name = fields.name;
  if (fields.ask === "subscribe") item.ask = "subscribe";
  if (fields.approved === "true") item.approved = true;
  if (fields.groups !== undefined && isTable(fields.groups)) {
    for (const [group, member] of tablePairs(fields.groups)) if (typeof group === "string" && member) item.groups.push(group);
  }
  return item;
}

export function rosterStore(scope: StoreScope): RosterStore {
  const store = () => scope.sm.open(scope.host, STORE);
  const locks = new RecordLocks();

  function checkItem(user: string, item: RosterItem): RosterItem {
    if (typeof item !== "object" || item === null) throw invalidInput(STORE, scope, "a roster item must be an object");
    const jid = prepBareJid(item.jid, "roster item jid");
    if (jid === `${user}@${scope.host}`) throw invalidInput(STORE, scope, `${user} cannot have itself as a contact`);
    if (!SUBSCRIPTIONS.includes(item.subscription)) {
      throw invalidInput(STORE, scope, `subscription must be one of ${SUBSCRIPTIONS.join(", ")}, got ${JSON.stringify(item.subscription)}`);
    }
    if (item.ask !== undefined && item.ask !== "subscribe") throw invalidInput(STORE, scope, `ask must be "subscribe" or absent`);
    if (item.name !== undefined && typeof item.name !== "string") throw invalidInput(STORE, scope, "name must be a string");
    if (!Array.isArray(item.groups) || !item.groups.every((g) => typeof g === "string" && g !== "")) {
      throw invalidInput(STORE, scope, "groups must be a list of non-empty strings");
    }
    return { ...item, jid };
  }

  async function load(user: string): Promise<RawRoster> {
    const value = await (await store()).get(user);
    const roster: RawRoster = { meta: {}, items: new Map() };
    if (value === undefined || !isTable(value)) return roster;
    for (const [key, entry] of tablePairs(value)) {
      if (key === false) roster.meta = stringFields(entry) ?? {};
      else if (typeof key === "string") {
        const fields = stringFields(entry);
        // A pre-0.9 roster kept pending requests under "pending"; rostermanager moves them.
        if (key === "pending" && fields && typeof fields.subscription !== "string") {
          roster.meta.pending ??= entry;
        } else if (fields) roster.items.set(key, fields);
      }
    }
    return roster;
  }

  /** Bumps the version and writes the roster, as save_roster does. */
  async function save(user: string, roster: RawRoster): Promise<number | true> {
    const version = roster.meta.version === true ? true : (typeof roster.meta.version === "number" ? roster.meta.version : 0) + 1;
    const meta: ValueObject = { ...roster.meta, version, pending: roster.meta.pending ?? {} };
    await (await store()).set(user, tableWithMeta(meta, roster.items));
    return version;
  }

  /**
   * Loads the roster, applies `change` and, if it reports a change, saves it (bumping the
   * version) under the record lock; resolves with the new version, or undefined if unchanged.
   */
  function modify(user: string, change: (roster: RawRoster) => boolean): Promise<number | true | undefined> {
    return locks.run(user, async () => {
      const roster = await load(user);
      return change(roster) ? save(user, roster) : undefined;
    });
  }

  function pendingOf(roster: RawRoster): Map<string, Value> {
    const pending = new Map<string, Value>();
    const table = roster.meta.pending;
    if (table !== undefined && isTable(table)) {
      for (const [jid, entry] of tablePairs(table)) if (typeof jid === "string") pending.set(jid, entry);
    }
    return pending;
  }

  function setPending(roster: RawRoster, pending: Map<string, Value>): void {
    roster.meta.pending = Object.fromEntries(pending);
  }

  return {
    async get(user) {
      const name = storedUsername(user);
      const roster = await load(name);
      const pending = new Map<string, Element | true>();
      for (const [jid, entry] of pendingOf(roster)) {
        pending.set(jid, isTable(entry) ? storedElement(entry, `[${STORE}] pending presence from ${jid}`) : true);
      }
      const version = roster.meta.version;
      return {
        items: [...roster.items].map(([jid, fields]) => itemFromTable(jid, fields)),
        version: version === true || typeof version === "number" ? version : undefined,
        pending,
      };
    },

    async getItem(user, jid) {
      const contact = prepBareJid(jid, "contact");
      const fields = (await load(storedUsername(user))).items.get(contact);
      return fields && itemFromTable(contact, fields);
    },

    async setItem(user, item) {
      const name = storedUsername(user);
      const checked = checkItem(name, item);
      await modify(name, (roster) => {
        const fields: ValueObject = { ...roster.items.get(checked.jid), subscription: checked.subscription };
        fields.groups = Object.fromEntries(checked.groups.map((group) => [group, true]));
        for (const [field, value] of [
          ["name", checked.name],
          ["ask", checked.ask],
          ["approved", checked.approved ? "true" : undefined],
        ] as const) {
          if (value === undefined || value === "") delete fields[field];
          else fields[field] = value;
        }
        roster.items.set(checked.jid, fields);
        return true;
      });
    },

    async removeItem(user, jid) {
      const contact = prepBareJid(jid, "contact");
      const done = await modify(storedUsername(user), (roster) => roster.items.delete(contact));
      return done !== undefined;
    },

    async bumpVersion(user) {
      return (await modify(storedUsername(user), () => true))!;
    },

    async addPending(user, jid, presence) {
      const name = storedUsername(user);
      const contact = prepBareJid(jid, "contact");
      if (presence !== undefined) checkElement(presence, "presence", undefined, `[${STORE}] pending request`);
      await modify(name, (roster) => {
        const pending = pendingOf(roster);
        pending.set(contact, presence ? tableFromElement(presence) : true);
        setPending(roster, pending);
        return true;
      });
    },

    async removePending(user, jid) {
      const contact = prepBareJid(jid, "contact");
      const done = await modify(storedUsername(user), (roster) => {
        const pending = pendingOf(roster);
        if (!pending.delete(contact)) return false;
        setPending(roster, pending);
        return true;
      });
      return done !== undefined;
    },

    async delete(user) {
      await (await store()).set(storedUsername(user), undefined);
    },
  };
}
