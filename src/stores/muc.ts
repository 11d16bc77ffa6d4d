import type { KeyValStore, MapStore } from "../contracts/index.js";
import { storageError } from "../errors.js";
import { isTable, type Value, type ValueObject } from "../values/index.js";
import { invalidInput, pairsOf, stringFields, type StoreScope } from "./common.js";
import { prepAddressJid, prepBareJid } from "./jid.js";
import { RecordLocks } from "./record-lock.js";

const AFFILIATIONS = ["owner", "admin", "member", "outcast"] as const;

export type Affiliation = (typeof AFFILIATIONS)[number];

/** A room as mod_muc stores it between restarts. */
export interface MucRoom {
  /** The room's bare JID, `room@conference.example.com` (its domain is the store's host). */
  jid: string;
  /** The room's settings (`room._data`: name, description, persistent, members_only, password, …). */
  config: ValueObject;
  /** Bare JID -> affiliation. */
  affiliations: Record<string, Affiliation>;
  /** Bare JID -> extra data kept with an affiliation (e.g. `reserved_nickname`). */
  affiliationData: Record<string, ValueObject>;
}

/**
 * MUC rooms of a MUC host as mod_muc keeps them: the host-wide map `persistent` (room JID ->
 * true), `config` per room node in the "new" format (`{ _jid, _data, _affiliation_data,
 * [jid] = affiliation }`; the older `{ jid, _data, _affiliations }` is read too), and `state`
 * (occupants, last message), which `delete` clears.
 */
export interface MucStore {
  /** JIDs of the stored (persistent) rooms. */
  rooms(): Promise<string[]>;
  get(room: string): Promise<MucRoom | undefined>;
  /** Writes the room's configuration and lists it as persistent, as room_save does. */
  save(room: MucRoom): Promise<void>;
  /** Removes the room's configuration, state and persistent entry. */
  delete(room: string): Promise<void>;
  /** Changes one affiliation (`null` removes it); `item-not-found` if the room is not stored. */
  setAffiliation(room: string, jid: string, affiliation: Affiliation | null): Promise<void>;
}

function objectOf(value: Value | undefined): Record<string, ValueObject> {
  const out: Record<string, ValueObject> = {};
  for (const [key, inner] of pairsOf(value)) {
    const fields = stringFields(inner);
    if (typeof key === "string" && fields) out[key] = fields;
  }
  return out;
}

function roomFromTable(jid: string, value: Value): MucRoom {
  const fields = stringFields(value) ?? {};
  const room: MucRoom = { jid, config: stringFields(fields._data) ?? {}, affiliations: {}, affiliationData: objectOf(fields._affiliation_data) };
  const legacy = typeof fields.jid === "string" && fields._affiliations !== undefined && isTable(fields._affiliations);
  const source = legacy ? (fields._affiliations as Value) : value;
  for (const [key, affiliation] of pairsOf(source)) {
    // In the new format, affiliations sit beside the `_`-prefixed fields, keyed by bare JID.
    if (typeof key === "string" && !key.startsWith("_") && AFFILIATIONS.includes(affiliation as Affiliation)) {
      room.affiliations[key] = affiliation as Affiliation;
    }
  }
  return room;
}

export function mucStore(scope: StoreScope): MucStore {
  const open =
    <T>(name: string, type: "keyval" | "map"): (() => Promise<T>) =>
    () =>
      scope.sm.open(scope.host, name, type) as Promise<T>;
  const config = open<KeyValStore>("config", "keyval");
  const state = open<KeyValStore>("state", "keyval");
  const persistent = open<MapStore>("persistent", "map");
  const persistentList = open<KeyValStore>("persistent", "keyval");
  const locks = new RecordLocks();

  function roomAddress(room: unknown): { jid: string; node: string } {
    const parts = prepAddressJid(room, "room");
    if (parts.domain !== scope.host) throw invalidInput("muc", scope, `room ${parts.local}@${parts.domain} is not on this MUC host`);
    return { jid: `${parts.local}@${parts.domain}`, node: parts.local };
  }

  function roomToTable(room: MucRoom, jid: string): ValueObject {
    if (typeof room.config !== "object" || room.config === null) throw invalidInput("muc", scope, "room config must be an object");
    const table: ValueObject = { _jid: jid, _data: room.config, _affiliation_data: {} };
    for (const [who, data] of Object.entries(room.affiliationData ?? {})) {
      (table._affiliation_data as ValueObject)[prepBareJid(who, "affiliated JID")] = data;
    }
    for (const [who, affiliation] of Object.entries(room.affiliations ?? {})) {
      if (!AFFILIATIONS.includes(affiliation)) throw invalidInput("muc", scope, `unknown affiliation ${JSON.stringify(affiliation)}`);
      table[prepBareJid(who, "affiliated JID")] = affiliation;
    }
    return table;
  }

  async function load(room: string) {
    const address = roomAddress(room);
    const value = await (await config()).get(address.node);
    return { address, room: value === undefined ? undefined : roomFromTable(address.jid, value) };
  }

  /** Writes a room's config and persistent entry; callers hold the lock. */
  async function write(room: MucRoom): Promise<void> {
    const { jid, node } = roomAddress(room?.jid);
    const table = roomToTable(room, jid);
    await (await persistent()).set(null, jid, true);
    await (await config()).set(node, table);
  }

  // One lock for all of the host's rooms: `persistent` is one host-wide record that every
  // save and delete rewrites (room writes are rare, so this costs nothing that matters).
  const ROOMS = "rooms";

  const api: MucStore = {
    async rooms() {
      const list = await (await persistentList()).get(null);
      return pairsOf(list).flatMap(([jid, flag]) => (typeof jid === "string" && flag ? [jid] : []));
    },
    async get(room) {
      return (await load(room)).room;
    },
    async save(room) {
      roomToTable(room, roomAddress(room?.jid).jid);
      await locks.run(ROOMS, () => write(room));
    },
    async delete(room) {
      const { jid, node } = roomAddress(room);
      await locks.run(ROOMS, async () => {
        await (await config()).set(node, undefined);
        await (await state()).set(node, undefined);
        await (await persistent()).set(null, jid, undefined);
      });
    },
    async setAffiliation(room, jid, affiliation) {
      roomAddress(room);
      const who = prepBareJid(jid, "affiliated JID");
      if (affiliation !== null && !AFFILIATIONS.includes(affiliation)) {
        throw invalidInput("muc", scope, `unknown affiliation ${JSON.stringify(affiliation)}`);
      }
      await locks.run(ROOMS, async () => {
        const loaded = await load(room);
        if (!loaded.room) {
          throw storageError("item-not-found", `no stored room ${loaded.address.jid}`, { backend: "muc", object: scope.host });
        }
        if (affiliation === null) delete loaded.room.affiliations[who];
        else loaded.room.affiliations[who] = affiliation;
        await write(loaded.room);
      });
    },
  };
  return api;
}
