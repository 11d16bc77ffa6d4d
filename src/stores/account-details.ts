import type { Value, ValueObject } from "../values/index.js";
import { invalidInput, nowSeconds, stringFields, type StoreScope } from "./common.js";
import { storedUsername } from "./jid.js";

const STORE = "account_details";

/** What mod_register keeps about a registration: `registered` (Unix time) plus the form fields. */
export interface AccountDetails {
  registered?: number;
  [field: string]: Value | undefined;
}

/**
 * Registration details as mod_register keeps them in `account_details`: the registration form's
 * extra fields (`name`, `email`, …) and `registered`, the time of registration.
 */
export interface AccountDetailsStore {
  get(user: string): Promise<AccountDetails | undefined>;
  /** Replaces the details; `registered` defaults to now, as mod_register sets it. */
  set(user: string, details: AccountDetails): Promise<void>;
  delete(user: string): Promise<void>;
}

export function accountDetailsStore(scope: StoreScope): AccountDetailsStore {
  const store = () => scope.sm.open(scope.host, STORE);
  return {
    async get(user) {
      return stringFields(await (await store()).get(storedUsername(user)));
    },
    async set(user, details) {
      const name = storedUsername(user);
      if (typeof details !== "object" || details === null || Array.isArray(details)) {
        throw invalidInput(STORE, scope, "account details must be an object of field = value");
      }
      if (details.registered !== undefined && typeof details.registered !== "number") {
        throw invalidInput(STORE, scope, "registered must be a Unix time in seconds");
      }
      const record: ValueObject = {};
      for (const [field, value] of Object.entries(details)) if (value !== undefined) record[field] = value;
      record.registered ??= nowSeconds();
      await (await store()).set(name, record);
    },
    async delete(user) {
      await (await store()).set(storedUsername(user), undefined);
    },
  };
}
