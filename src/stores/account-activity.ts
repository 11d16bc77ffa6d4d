import { invalidInput, nowSeconds, type StoreScope } from "./common.js";
import { storedUsername } from "./jid.js";

const STORE = "account_activity";

/**
 * When users were last active, as Prosody 13's mod_account_activity keeps it in
 * `account_activity`: per user `{ timestamp = os.time() }`, set on login and on logout.
 */
export interface AccountActivityStore {
  /** Unix time (seconds) of the user's last recorded activity, or `undefined`. */
  lastActive(user: string): Promise<number | undefined>;
  /** Records activity at `when` (default now, whole seconds), as a login or logout does. */
  record(user: string, when?: number): Promise<void>;
  /** Every user with recorded activity, with its time (`get_key_from_all("timestamp")`). */
  all(): Promise<Record<string, number>>;
}

export function accountActivityStore(scope: StoreScope): AccountActivityStore {
  const store = () => scope.sm.open(scope.host, STORE, "keyval+");
  return {
    async lastActive(user) {
      const value = await (await store()).getKey(storedUsername(user), "timestamp");
      return typeof value === "number" ? value : undefined;
    },
    async record(user, when = nowSeconds()) {
      if (typeof when !== "number" || !Number.isFinite(when)) throw invalidInput(STORE, scope, `an activity time must be a finite number of seconds, got ${String(when)}`);
      await (await store()).setKey(storedUsername(user), "timestamp", when);
    },
    async all() {
      const out: Record<string, number> = {};
      for (const [user, value] of Object.entries((await (await store()).getKeyFromAll("timestamp")) ?? {})) {
        if (typeof value === "number") out[user] = value;
      }
      return out;
    },
  };
}
