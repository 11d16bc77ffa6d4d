import type { Value, ValueObject } from "../values/index.js";
import { invalidInput, nowSeconds, stringFields, type StoreScope } from "./common.js";
import { storedUsername } from "./jid.js";

const STORE = "account_flags";

/** One flag on an account: when it was set, and the comment given then. */
export interface AccountFlag {
  when?: number;
  comment?: string;
}

/**
 * Account flags as Prosody 13's mod_flags keeps them in `account_flags`: per user
 * `{ [FLAG] = { when = os.time(), comment = "…" } }`, one key per flag (13 sets flags such as
 * `hibernating`, `deleted`; any name is allowed).
 */
export interface AccountFlagsStore {
  /** Sets a flag, stamped now (mod_flags' `add_flag`); a flag already set is replaced. */
  add(user: string, flag: string, comment?: string): Promise<void>;
  remove(user: string, flag: string): Promise<void>;
  has(user: string, flag: string): Promise<boolean>;
  /** The flag's data, or `undefined` when it is not set. */
  get(user: string, flag: string): Promise<AccountFlag | undefined>;
  /** Every flag of a user. */
  list(user: string): Promise<Record<string, AccountFlag>>;
  /** Every user with that flag, with its data (mod_flags' `get_key_from_all`). */
  usersWith(flag: string): Promise<Record<string, AccountFlag>>;
}

function flagOf(value: Value | undefined): AccountFlag | undefined {
  if (value === undefined || value === false) return undefined;
  const fields = stringFields(value) ?? {};
  const flag: AccountFlag = {};
  if (typeof fields.when === "number") flag.when = fields.when;
  if (typeof fields.comment === "string") flag.comment = fields.comment;
  return flag;
}

export function accountFlagsStore(scope: StoreScope): AccountFlagsStore {
  const store = () => scope.sm.open(scope.host, STORE, "keyval+");
  const checkFlag = (flag: unknown): string => {
    if (typeof flag !== "string" || flag === "") throw invalidInput(STORE, scope, `a flag must be a non-empty string, got ${JSON.stringify(flag)}`);
    return flag;
  };
  const flagsOf = (entries: Record<string, Value> | ValueObject | undefined): Record<string, AccountFlag> => {
    const out: Record<string, AccountFlag> = {};
    for (const [key, value] of Object.entries(entries ?? {})) {
      const flag = flagOf(value);
      if (flag) out[key] = flag;
    }
    return out;
  };
  return {
    async add(user, flag, comment) {
      if (comment !== undefined && typeof comment !== "string") throw invalidInput(STORE, scope, "a flag's comment must be a string");
      const data: ValueObject = { when: nowSeconds() };
      if (comment !== undefined) data.comment = comment;
      await (await store()).setKey(storedUsername(user), checkFlag(flag), data);
    },
    async remove(user, flag) {
      await (await store()).setKey(storedUsername(user), checkFlag(flag), undefined);
    },
    async has(user, flag) {
      return flagOf(await (await store()).getKey(storedUsername(user), checkFlag(flag))) !== undefined;
    },
    async get(user, flag) {
      return flagOf(await (await store()).getKey(storedUsername(user), checkFlag(flag)));
    },
    async list(user) {
      return flagsOf(stringFields(await (await store()).get(storedUsername(user))));
    },
    async usersWith(flag) {
      return flagsOf(await (await store()).getKeyFromAll(checkFlag(flag)));
    },
  };
}
