import { storageError } from "../errors.js";
import { isTable, tablePairs, type Value, type ValueObject } from "../values/index.js";
import { invalidInput, stringFields, type StoreScope } from "./common.js";
import { prepJid, storedUsername } from "./jid.js";
import { RecordLocks } from "./record-lock.js";

const STORE = "privacy";
const STANZA_KINDS = ["message", "iq", "presence-in", "presence-out"] as const;
const SUBSCRIPTIONS = ["none", "to", "from", "both"];

export type PrivacyStanzaKind = (typeof STANZA_KINDS)[number];

/** One rule of a privacy list (XEP-0016 `<item/>`). */
export interface PrivacyItem {
  /** Absent: the rule matches everyone (the fall-through item). */
  type?: "jid" | "group" | "subscription";
  value?: string;
  action: "allow" | "deny";
  order: number;
  /** Stanza kinds the rule applies to; empty or absent: all of them. */
  stanzas?: PrivacyStanzaKind[];
}

export interface PrivacyList {
  name: string;
  items: PrivacyItem[];
}

export interface PrivacyLists {
  default?: string;
  lists: PrivacyList[];
}

/**
 * Privacy lists (XEP-0016) in the shape mod_privacy wrote (`{ lists = { [name] = { name, items } },
 * default = name }`); Prosody 0.12 reads them to migrate a user's default list to the blocklist.
 * Items are kept sorted by `order`, as the protocol evaluates them.
 */
export interface PrivacyStore {
  get(user: string): Promise<PrivacyLists>;
  getList(user: string, name: string): Promise<PrivacyList | undefined>;
  /** Adds or replaces a list; rules are checked as mod_privacy checked them. */
  setList(user: string, list: PrivacyList): Promise<void>;
  /** Removes a list (and the default if it was this one); false if there was none. */
  removeList(user: string, name: string): Promise<boolean>;
  /** Makes `name` the default list, or declines a default with `null`; `item-not-found` for an unknown list. */
  setDefault(user: string, name: string | null): Promise<void>;
}

function itemFromTable(fields: ValueObject): PrivacyItem {
  const item: PrivacyItem = {
    action: fields.action === "allow" ? "allow" : "deny",
    order: typeof fields.order === "number" ? fields.order : 0,
  };
  if (fields.type === "jid" || fields.type === "group" || fields.type === "subscription") item.type = fields.type;
  if (typeof fields.value === "string") item.value = fields.value;
  const stanzas = STANZA_KINDS.filter((kind) => fields[kind] === true);
  if (stanzas.length) item.stanzas = stanzas;
  return item;
}

function listFromTable(name: string, value: Value): PrivacyList {
  const fields = stringFields(value) ?? {};
  const items: PrivacyItem[] = [];
  if (fields.items !== undefined && isTable(fields.items)) {
    for (const [, entry] of tablePairs(fields.items)) {
      const itemFields = stringFields(entry);
      if (itemFields) items.push(itemFromTable(itemFields));
    }
  }
  return { name, items: items.sort((a, b) => a.order - b.order) };
}

export function privacyStore(scope: StoreScope): PrivacyStore {
  const store = () => scope.sm.open(scope.host, STORE);
  const locks = new RecordLocks();

  async function load(user: string): Promise<ValueObject> {
    return stringFields(await (await store()).get(user)) ?? {};
  }

  function listsOf(record: ValueObject): Map<string, Value> {
    const lists = new Map<string, Value>();
    if (record.lists !== undefined && isTable(record.lists)) {
      for (const [name, list] of tablePairs(record.lists)) if (typeof name === "string") lists.set(name, list);
    }
    return lists;
  }

  async function save(user: string, record: ValueObject, lists: Map<string, Value>): Promise<void> {
    await (await store()).set(user, { ...record, lists: Object.fromEntries(lists) });
  }

  function itemToTable(item: PrivacyItem, seen: Set<number>): ValueObject {
    const bad = (why: string) => invalidInput(STORE, scope, `privacy item ${JSON.stringify(item)}: ${why}`);
    if (typeof item !== "object" || item === null) throw bad("not an object");
    if (!Number.isSafeInteger(item.order) || item.order < 0 || seen.has(item.order)) throw bad("order must be a unique whole number >= 0");
    seen.add(item.order);
    if (item.action !== "allow" && item.action !== "deny") throw bad("action must be allow or deny");
    const out: ValueObject = { action: item.action, order: item.order };
    if (item.type !== undefined) {
      if (typeof item.value !== "string") throw bad("a typed item needs a value");
      if (item.type === "jid") out.value = prepJid(item.value, "privacy item value");
      else if (item.type === "subscription" && !SUBSCRIPTIONS.includes(item.value)) throw bad("subscription must be none, to, from or both");
      else if (item.type !== "group" && item.type !== "subscription") throw bad("type must be jid, group or subscription");
      out.type = item.type;
      out.value ??= item.value;
    } else if (item.value !== undefined) throw bad("a value needs a type");
    for (const kind of STANZA_KINDS) out[kind] = item.stanzas?.includes(kind) ?? false;
    for (const kind of item.stanzas ?? []) if (!STANZA_KINDS.includes(kind)) throw bad(`unknown stanza kind ${JSON.stringify(kind)}`);
    return out;
  }

  function checkName(name: unknown): string {
    if (typeof name !== "string" || name === "") throw invalidInput(STORE, scope, "a privacy list needs a non-empty name");
    return name;
  }

  return {
    async get(user) {
      const record = await load(storedUsername(user));
      const lists = [...listsOf(record)].map(([name, list]) => listFromTable(name, list));
      return typeof record.default === "string" ? { default: record.default, lists } : { lists };
    },
    async getList(user, name) {
      const list = listsOf(await load(storedUsername(user))).get(checkName(name));
      return list === undefined ? undefined : listFromTable(name, list);
    },
    async setList(user, list) {
      const owner = storedUsername(user);
      const name = checkName(list?.name);
      if (!Array.isArray(list.items)) throw invalidInput(STORE, scope, "a privacy list needs a list of items");
      const seen = new Set<number>();
      const items = [...list.items].sort((a, b) => a.order - b.order).map((item) => itemToTable(item, seen));
      await locks.run(owner, async () => {
        const record = await load(owner);
        const lists = listsOf(record);
        lists.set(name, { name, items });
        await save(owner, record, lists);
      });
    },
    async removeList(user, name) {
      const owner = storedUsername(user);
      checkName(name);
      return locks.run(owner, async () => {
        const record = await load(owner);
        const lists = listsOf(record);
        if (!lists.delete(name)) return false;
        if (record.default === name) delete record.default;
        await save(owner, record, lists);
        return true;
      });
    },
    async setDefault(user, name) {
      const owner = storedUsername(user);
      if (name !== null) checkName(name);
      await locks.run(owner, async () => {
        const record = await load(owner);
        const lists = listsOf(record);
        if (name === null) delete record.default;
        else if (!lists.has(name)) {
          throw storageError("item-not-found", `${owner} has no privacy list ${JSON.stringify(name)}`, { backend: STORE, object: scope.host });
        } else record.default = name;
        await save(owner, record, lists);
      });
    },
  };
}
