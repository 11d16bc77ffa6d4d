import type { Element } from "ltx";
import { pairsOf, invalidInput, type StoreScope } from "./common.js";
import { storedUsername } from "./jid.js";
import { checkElement, tableFromElement, storedElement } from "./stanza-table.js";

const STORE = "private";

/** The key mod_private files an element under: `name:namespace`. */
function privateKey(name: string, xmlns: string): string {
  return `${name}:${xmlns}`;
}

/**
 * Private XML storage (XEP-0049) as mod_private keeps it: a map store `private` whose keys are
 * `name:namespace` (e.g. `storage:storage:bookmarks`) and values preserialized elements.
 */
export interface PrivateXmlStore {
  get(user: string, name: string, xmlns: string): Promise<Element | undefined>;
  /**
   * Stores `element` under its name and namespace. As in mod_private, an element without
   * children clears the entry (that is how a client deletes private data).
   */
  set(user: string, element: Element): Promise<void>;
  remove(user: string, name: string, xmlns: string): Promise<void>;
  /** Every stored element of the user. */
  all(user: string): Promise<Element[]>;
}

export function privateXmlStore(scope: StoreScope): PrivateXmlStore {
  const mapStore = () => scope.sm.open(scope.host, STORE, "map");
  const keyval = () => scope.sm.open(scope.host, STORE);

  function keyOf(name: unknown, xmlns: unknown): string {
    if (typeof name !== "string" || name === "" || typeof xmlns !== "string" || xmlns === "") {
      throw invalidInput(STORE, scope, "private XML is addressed by a non-empty element name and namespace");
    }
    return privateKey(name, xmlns);
  }

  return {
    async get(user, name, xmlns) {
      const key = keyOf(name, xmlns);
      const value = await (await mapStore()).get(storedUsername(user), key);
      return value === undefined ? undefined : storedElement(value, `[${STORE}] ${scope.host}/${user} ${key}`);
    },
    async set(user, element) {
      checkElement(element, undefined, undefined, `[${STORE}] private XML`);
      const key = keyOf(element.name, element.attrs.xmlns);
      const value = element.children.length === 0 ? undefined : tableFromElement(element);
      await (await mapStore()).set(storedUsername(user), key, value);
    },
    async remove(user, name, xmlns) {
      await (await mapStore()).set(storedUsername(user), keyOf(name, xmlns), undefined);
    },
    async all(user) {
      const name = storedUsername(user);
      const elements: Element[] = [];
      for (const [key, value] of pairsOf(await (await keyval()).get(name))) {
        if (typeof key === "string") elements.push(storedElement(value, `[${STORE}] ${scope.host}/${name} ${key}`));
      }
      return elements;
    },
  };
}
