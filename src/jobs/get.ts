import { JsonTextWriter, encodeDumpValue } from "../format/dump/index.js";
import { isEmptyTable } from "../values/index.js";
import type { User } from "../contracts/index.js";
import { archivePages, DEFAULT_PAGE_SIZE } from "./archive-pages.js";
import type { DataSource } from "./data-source.js";
import { discoverStores } from "./discover.js";
import { dumpItem } from "./dump.js";

export interface GetOptions {
  /** Only this type of store; default both, where the name has both. */
  type?: "keyval" | "archive";
  pageSize?: number;
}

/**
 * Writes one user's data in one store as a canonical JSON object `{ "archive": [ITEM…],
 * "keyval": VALUE }` (the dump format's encodings; a part with no data is left out), streaming
 * the archive. Returns whether anything was found.
 */
export async function writeUserData(
  source: DataSource,
  host: string,
  store: string,
  user: User,
  sink: (chunk: string) => unknown,
  options: GetOptions = {},
): Promise<boolean> {
  const types = new Set((await discoverStores(source)).filter((r) => r.host === host && r.store === store).map((r) => r.type));
  const writer = new JsonTextWriter(sink);
  let found = false;
  writer.openObject();
  if (types.has("archive") && options.type !== "keyval") {
    const archive = await source.manager.open(host, store, "archive");
    let opened = false;
    for await (const page of archivePages(archive, user, options.pageSize ?? DEFAULT_PAGE_SIZE)) {
      if (!opened) writer.openArray("archive");
      opened = found = true;
      for (const item of page) writer.value(dumpItem(item));
      await writer.flush();
    }
    if (opened) writer.close();
  }
  if (types.has("keyval") && options.type !== "archive") {
    const value = await (await source.manager.open(host, store)).get(user);
    if (value !== undefined && !isEmptyTable(value)) {
      writer.value(encodeDumpValue(value), "keyval");
      found = true;
    }
  }
  writer.close();
  await writer.end();
  return found;
}
