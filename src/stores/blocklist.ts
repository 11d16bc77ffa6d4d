import type { Value, ValueObject } from "../values/index.js";
import { invalidInput, nowSeconds, pairsOf, stringFields, tableWithMeta, type StoreScope } from "./common.js";
import { prepJid, storedUsername } from "./jid.js";
import { RecordLocks } from "./record-lock.js";

const STORE = "blocklist";

/** One blocked JID; `since` is when it was blocked, where Prosody recorded it. */
export interface BlockedJid {
  jid: string;
  since?: number;
}

/**
 * Blocking (XEP-0191) as mod_blocklist keeps it: `{ [false] = { created, modified }, [jid] = when }`
 * in the `blocklist` store (0.12 records the blocking time; older data and the privacy-list
 * migration have `true`). Changes rewrite the user's whole list, as mod_blocklist does.
 */
export interface BlocklistStore {
  list(user: string): Promise<BlockedJid[]>;
  isBlocked(user: string, jid: string): Promise<boolean>;
  /** Blocks JIDs (bare, full or domain, as XEP-0191 allows); needs at least one. */
  block(user: string, jids: string[]): Promise<void>;
  /** Unblocks the given JIDs; with no list, unblocks everyone (as an empty `<unblock/>`). */
  unblock(user: string, jids?: string[]): Promise<void>;
}

interface RawBlocklist {
  meta: Value | undefined;
  entries: Map<string, Value>;
}

export function blocklistStore(scope: StoreScope): BlocklistStore {
  const store = () => scope.sm.open(scope.host, STORE);
  const locks = new RecordLocks();

  async function load(user: string): Promise<RawBlocklist> {
    const list: RawBlocklist = { meta: undefined, entries: new Map() };
    for (const [key, value] of pairsOf(await (await store()).get(user))) {
      if (key === false) list.meta = value;
      else if (typeof key === "string" && value !== false) list.entries.set(key, value);
    }
    return list;
  }

  async function save(user: string, list: RawBlocklist): Promise<void> {
    const now = nowSeconds();
    const fields = stringFields(list.meta);
    // mod_blocklist keeps `created` and stamps `modified` on each change.
    const meta: ValueObject = fields ? { ...fields, modified: now } : { created: now };
    await (await store()).set(user, tableWithMeta(meta, list.entries));
  }

  function checkJids(jids: unknown, allowEmpty: boolean): string[] {
    if (!Array.isArray(jids) || (!allowEmpty && jids.length === 0)) {
      throw invalidInput(STORE, scope, allowEmpty ? "jids must be a list" : "block needs at least one JID");
    }
    return jids.map((jid) => prepJid(jid, "blocked JID"));
  }

  return {
    async list(user) {
      const { entries } = await load(storedUsername(user));
      return [...entries].map(([jid, value]) => (typeof value === "number" ? { jid, since: value } : { jid }));
    },
    async isBlocked(user, jid) {
      const { entries } = await load(storedUsername(user));
      return entries.has(prepJid(jid, "JID"));
    },
    async block(user, jids) {
      const name = storedUsername(user);
      const checked = checkJids(jids, false);
      await locks.run(name, async () => {
        const list = await load(name);
        const now = nowSeconds();
        for (const jid of checked) list.entries.set(jid, now);
        await save(name, list);
      });
    },
    async unblock(user, jids) {
      const name = storedUsername(user);
      const checked = jids === undefined ? undefined : checkJids(jids, true);
      await locks.run(name, async () => {
        const list = await load(name);
        if (checked === undefined || checked.length === 0) list.entries.clear();
        else for (const jid of checked) list.entries.delete(jid);
        await save(name, list);
      });
    },
  };
}
