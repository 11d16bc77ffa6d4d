import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { Element } from "ltx";
import { StorageManager } from "../../src/stores/storage-manager.js";
import type { StorageConfig } from "../../src/contracts/index.js";

/** A fresh data directory for one test, removed afterwards. */
export async function withDataDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "xs-internal-"));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A manager on a fresh data directory (the default backend is internal), closed afterwards. */
export async function withManager(
  body: (sm: StorageManager, dir: string) => Promise<void>,
  extra: Partial<StorageConfig> = {},
): Promise<void> {
  await withDataDir((dir) => withManagerOn(dir, (sm) => body(sm, dir), extra));
}

/** A manager on the data directory `dir`, closed afterwards. */
export async function withManagerOn(dir: string, body: (sm: StorageManager) => Promise<void>, extra: Partial<StorageConfig> = {}): Promise<void> {
  const sm = new StorageManager({ data_path: dir, ...extra });
  try {
    await body(sm);
  } finally {
    await sm.close();
  }
}

/** Every file under `dir`, relative, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (at: string) => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) await walk(path);
      else out.push(relative(dir, path));
    }
  };
  await walk(dir).catch(() => {});
  return out.sort();
}

export const T0 = 1_700_000_000;

export function chat(body: string): Element {
  const el = new Element("message", { xmlns: "jabber:client", type: "chat", to: "juliet@example.com" });
  el.c("body").t(body);
  return el;
}

export async function bodies(iterable: AsyncIterable<{ value: Element }>): Promise<string[]> {
  const out: string[] = [];
  for await (const item of iterable) out.push(item.value.getChildText("body") ?? "");
  return out;
}
