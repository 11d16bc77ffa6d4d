import type { Element } from "ltx";
import type { StoreScope } from "./common.js";
import { pepStore } from "./pubsub.js";
import { checkElement } from "./stanza-table.js";
import { storedUsername } from "./jid.js";
import { fromVcardTemp, toVcardTemp, VCARD4_NS } from "./vcard-convert.js";

/** The PEP node mod_vcard4 and mod_vcard_legacy keep a user's vCard4 in. */
export const VCARD4_NODE = "urn:xmpp:vcard4";
const ITEM_ID = "current";

/**
 * vCard4 (XEP-0292) as Prosody's mod_vcard4 and mod_vcard_legacy keep it (Debian's default
 * configuration loads both): the user's PEP node `urn:xmpp:vcard4` (its record in the map store
 * `pep`) with one item `current`, its payload `<vcard xmlns="urn:ietf:params:xml:ns:vcard-4.0"/>`
 * stored (as mod_pep's item store keeps the `<item/>`'s child) in the archive `pep_urn:xmpp:vcard4`.
 */
export interface VCard4Store {
  /** The user's `<vcard/>`, or undefined when none is published. */
  get(user: string): Promise<Element | undefined>;
  /**
   * Publishes a `<vcard xmlns="urn:ietf:params:xml:ns:vcard-4.0"/>` as item `current`, creating
   * the node as mod_vcard_legacy does (`access_model` open) when the user has none.
   */
  set(user: string, vcard: Element): Promise<void>;
  /** The vCard as vcard-temp, converted as mod_vcard_legacy answers a vcard-temp request. */
  getAsVcardTemp(user: string): Promise<Element | undefined>;
  /** Stores a vcard-temp `<vCard/>` converted as mod_vcard_legacy does on a vcard-temp upload. */
  setFromVcardTemp(user: string, vcard: Element): Promise<void>;
  /** Removes the node and its item. */
  delete(user: string): Promise<void>;
}

export function vcard4Store(scope: StoreScope): VCard4Store {
  const pep = pepStore(scope);
  const self: VCard4Store = {
    async get(user) {
      const [item] = await pep.of(user).items(VCARD4_NODE, 1);
      return item?.payload.is("vcard", VCARD4_NS) ? item.payload : undefined;
    },
    async set(user, vcard) {
      checkElement(vcard, "vcard", VCARD4_NS, "[pep] vcard4");
      const owner = storedUsername(user);
      const service = pep.of(owner);
      if ((await service.getNode(VCARD4_NODE)) === undefined) {
        // The publish options mod_vcard_legacy passes become the node's stored config, as util.pubsub keeps them.
        await service.setNode({ name: VCARD4_NODE, config: { access_model: "open", _defaults_only: true }, subscribers: {}, affiliations: { [`${owner}@${scope.host}`]: "owner" } });
      }
      await service.publish(VCARD4_NODE, ITEM_ID, vcard, `${owner}@${scope.host}`);
    },
    async getAsVcardTemp(user) {
      const vcard = await self.get(user);
      return vcard === undefined ? undefined : toVcardTemp(vcard);
    },
    async setFromVcardTemp(user, vcard) {
      checkElement(vcard, "vCard", "vcard-temp", "[pep] vcard-temp");
      await self.set(user, fromVcardTemp(vcard));
    },
    async delete(user) {
      await pep.of(user).deleteNode(VCARD4_NODE);
    },
  };
  return self;
}
