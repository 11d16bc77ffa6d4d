import type { Element } from "ltx";
import type { User } from "../contracts/index.js";
import type { StoreScope } from "./common.js";
import { storedUsername } from "./jid.js";
import { checkElement, tableFromElement, storedElement } from "./stanza-table.js";

const STORE = "vcard";
const VCARD_NS = "vcard-temp";

/**
 * vCards (XEP-0054) as mod_vcard keeps them: the `<vCard xmlns="vcard-temp"/>` element,
 * preserialized, per user in the `vcard` store. `null` is the server's own vCard.
 */
export interface VCardStore {
  get(user: string | null): Promise<Element | undefined>;
  /** Stores a `<vCard xmlns="vcard-temp"/>`; anything else is `invalid-input`. */
  set(user: string | null, vcard: Element): Promise<void>;
  delete(user: string | null): Promise<void>;
}

export function vcardStore(scope: StoreScope): VCardStore {
  const store = () => scope.sm.open(scope.host, STORE);
  const who = (user: string | null): User => (user === null ? null : storedUsername(user));
  return {
    async get(user) {
      const name = who(user);
      const value = await (await store()).get(name);
      return value === undefined ? undefined : storedElement(value, `[${STORE}] ${scope.host}/${name ?? "(host)"}`);
    },
    async set(user, vcard) {
      const name = who(user);
      checkElement(vcard, "vCard", VCARD_NS, `[${STORE}] vcard`);
      await (await store()).set(name, tableFromElement(vcard));
    },
    async delete(user) {
      await (await store()).set(who(user), undefined);
    },
  };
}
