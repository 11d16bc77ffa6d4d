import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { DiscoveredStore } from "../../contracts/index.js";
import { storageError } from "../../errors.js";
import { isNotFound } from "./files.js";
import { decodeName } from "./names.js";

type Entry = { name: string; isDirectory(): boolean; isFile(): boolean };

async function entries(dir: string): Promise<Entry[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (error) {
    if (isNotFound(error)) return [];
    throw storageError("backend-failure", `cannot list ${dir}: ${(error as Error).message}`, { backend: "internal", cause: error });
  }
}

/** Files Prosody's datamanager never treats as data: hidden files and scratch files. */
function isIgnored(name: string): boolean {
  return name.startsWith(".") || name.endsWith("~");
}

function typeOf(fileName: string): "keyval" | "archive" | undefined {
  if (fileName.endsWith(".dat")) return "keyval";
  if (fileName.endsWith(".list")) return "archive";
  return undefined;
}

/**
 * Every host, store and store type with data under `root`, decoded from Prosody's file names:
 * a store is listed when its directory holds a user's `.dat`/`.list` file or the host holds its
 * host-wide `STORE.dat`/`STORE.list`. Empty store directories (Prosody leaves them behind) and
 * names that do not decode to text are skipped; `_global` (Prosody's host-less data) is too.
 */
export async function* discoverStores(root: string, warn: (message: string) => void): AsyncGenerator<DiscoveredStore> {
  for (const hostEntry of await entries(root)) {
    if (!hostEntry.isDirectory() || isIgnored(hostEntry.name) || hostEntry.name === "_global") continue;
    const host = decodeName(hostEntry.name);
    if (host === undefined) {
      warn(`[internal] ignoring ${join(root, hostEntry.name)}: not a host name`);
      continue;
    }
    const hostDir = join(root, hostEntry.name);
    const found = new Map<string, DiscoveredStore>();
    const note = (encodedStore: string, type: "keyval" | "archive") => {
      const store = decodeName(encodedStore);
      if (store === undefined || store === "") {
        warn(`[internal] ignoring store ${JSON.stringify(encodedStore)} in ${hostDir}: not a store name`);
        return;
      }
      found.set(`${type}\0${store}`, { host, store, type });
    };
    for (const entry of await entries(hostDir)) {
      if (isIgnored(entry.name)) continue;
      if (entry.isDirectory()) {
        const types = new Set<"keyval" | "archive">();
        for (const file of await entries(join(hostDir, entry.name))) {
          const type = file.isFile() && !isIgnored(file.name) ? typeOf(file.name) : undefined;
          if (type) types.add(type);
        }
        for (const type of types) note(entry.name, type);
      } else if (entry.isFile()) {
        const type = typeOf(entry.name);
        if (type) note(entry.name.slice(0, entry.name.lastIndexOf(".")), type);
      }
    }
    yield* [...found.values()].sort((a, b) => (a.store < b.store ? -1 : a.store > b.store ? 1 : a.type < b.type ? -1 : 1));
  }
}
