import { CoreManager } from "../manager/manager.js";
import type { AccountStore } from "./accounts.js";
import { stores } from "./index.js";

/**
 * The package's storage manager: the {@link CoreManager} plus `accounts(host)`, which the API
 * contract names on the manager itself. Every other typed store is reached through
 * `stores(sm)`; the manager layer below knows none of them.
 */
export class StorageManager extends CoreManager {
  /** The accounts of `host`; the same store as `stores(sm).accounts(host)`. */
  accounts(host: string): AccountStore {
    return stores(this).accounts(host);
  }
}
