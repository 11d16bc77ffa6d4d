import { parseStoreSpec, type StoreSpec } from "../../config/store-spec.js";
import { UsageError } from "../args.js";

/** `--store` values as store specs; a bad type is a usage error. */
export function storeOptions(values: string[] | undefined): StoreSpec[] {
  return (values ?? []).map((s) => {
    try {
      return parseStoreSpec(s, ":", "--store");
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  });
}
