import type { Dirent } from "node:fs";
import { join } from "node:path";
import type { DiscoveredStore } from "../../contracts/index.js";
import { storageError } from "../../errors.js";
import { kindOf } from "./file-safety.js";
import { listEntries } from "./files.js";
import { decodeName } from "./names.js";

async function entries(dir: string): Promise<Dirent[]> {
  try {
    return await listEntries(dir);
  } catch (error) {
    throw storageError("backend-failure", `cannot list ${dir}: ${(error as Error).message}`, { backend: "internal", cause: error });
  }
}

/** Files Prosody's datamanager never treats as data: hidden files and scratch files. */
function isIgnored(name: string): boolean {
  return name.startsWith(".") || name.endsWith("~");
}

/** Only real directories and regular files hold data: links, FIFOs, sockets and devices are reported and skipped. */
function isSkipped(dir: string, entry: Dirent, warn: (message: string) => void): boolean {
  if (entry.isDirectory() || entry.isFile()) return false;
  warn(`[internal] ignoring ${join(dir, entry.name)}: it is ${kindOf(entry)}, not a regular file or directory`);
  return true;
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
    if (isIgnored(hostEntry.name) || hostEntry.name === "_global" || isSkipped(root, hostEntry, warn) || !hostEntry.isDirectory()) continue;
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
      if (isIgnored(entry.name) || isSkipped(hostDir, entry, warn)) continue;
      if (entry.isDirectory()) {
        const types = new Set<"keyval" | "archive">();
        const storeDir = join(hostDir, entry.name);
        for (const file of await entries(storeDir)) {
          if (isIgnored(file.name) || !typeOf(file.name) || isSkipped(storeDir, file, warn)) continue;
          if (file.isFile()) types.add(typeOf(file.name)!);
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
