import { LuaTable, type Value } from "../values/index.js";
import { invalidInput, pairsOf, type StoreScope } from "./common.js";
import { prepJid, storedUsername } from "./jid.js";

/** A user's XEP-0313 archiving preferences. */
export interface MamPrefs {
  /** Absent: the server's `default_archive_policy` applies. */
  default?: "always" | "never" | "roster";
  always: string[];
  never: string[];
}

const DEFAULTS: Array<[MamPrefs["default"], Value]> = [
  ["always", true],
  ["never", false],
  ["roster", "roster"],
];

/**
 * Preferences as mod_mam keeps them in `archive_prefs`: `{ [false] = true | false | "roster",
 * [jid] = true (always) | false (never) }`.
 */
export interface MamPrefsStore {
  /** The stored preferences, or undefined when the user never set any. */
  get(user: string): Promise<MamPrefs | undefined>;
  set(user: string, prefs: MamPrefs): Promise<void>;
}

export function mamPrefsStore(scope: StoreScope, store = "archive_prefs"): MamPrefsStore {
  const kv = () => scope.sm.open(scope.host, store);
  return {
    async get(user) {
      const value = await (await kv()).get(storedUsername(user));
      if (value === undefined) return undefined;
      const prefs: MamPrefs = { always: [], never: [] };
      for (const [key, rule] of pairsOf(value)) {
        if (key === false) {
          const found = DEFAULTS.find(([, stored]) => stored === rule);
          if (found) prefs.default = found[0];
        } else if (typeof key === "string") (rule ? prefs.always : prefs.never).push(key);
      }
      return prefs;
    },
    async set(user, prefs) {
      const name = storedUsername(user);
      if (typeof prefs !== "object" || prefs === null) throw invalidInput(store, scope, "preferences must be an object");
      const table = new LuaTable();
      if (prefs.default !== undefined) {
        const found = DEFAULTS.find(([word]) => word === prefs.default);
        if (!found) throw invalidInput(store, scope, `default must be always, never or roster, got ${JSON.stringify(prefs.default)}`);
        table.set(false, found[1]);
      }
      for (const jid of prefs.always ?? []) table.set(prepJid(jid, "always JID"), true);
      for (const jid of prefs.never ?? []) table.set(prepJid(jid, "never JID"), false);
      await (await kv()).set(name, table);
    },
  };
}
