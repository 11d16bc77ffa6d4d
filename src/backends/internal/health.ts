import { existsSync, type Dirent } from "node:fs";
import { copyFile, mkdir, readFile, truncate, unlink } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { scanListItems } from "../../format/lua/index.js";
import type { HealthOptions, HealthProblem } from "../health.js";
import { decodeDat } from "./codec.js";
import { listEntries as entries } from "./files.js";
import { LIDX_MAGIC, readLidx } from "./lidx.js";
import { decodeName, encodeName, encodeStoreName } from "./names.js";
import { lockDataDir } from "./process-lock.js";

/** Where repairs keep what they change, inside the data directory (hidden: Prosody skips it). */
export const BACKUP_PREFIX = ".xmppstore-backup-";

const DATA_FILE = /^(.+)\.(dat|list|lidx)$/;

class DataDirCheck {
  readonly problems: HealthProblem[] = [];
  readonly #root: string;
  readonly #options: HealthOptions;

  constructor(root: string, options: HealthOptions) {
    this.#root = root;
    this.#options = options;
  }

  /** Copies a file into the backup directory, at the same relative path, before it changes. */
  async #backup(file: string): Promise<void> {
    const target = join(this.#root, `${BACKUP_PREFIX}${this.#options.stamp}`, relative(this.#root, file));
    await mkdir(dirname(target), { recursive: true, mode: 0o750 });
    await copyFile(file, target);
  }

  async #report(problem: HealthProblem, fix?: () => Promise<void>): Promise<void> {
    if (fix && this.#options.repair) {
      await fix();
      problem.fixed = true;
    }
    this.problems.push(problem);
  }

  /** A name on disk: does it decode, and is it spelt as Prosody would write it? */
  async name(path: string, encoded: string, encode: (name: string) => string): Promise<boolean> {
    const decoded = decodeName(encoded);
    if (decoded === undefined || decoded === "") {
      await this.#report({ kind: "undecodable-name", where: path, detail: `${JSON.stringify(encoded)} does not decode to a name (not UTF-8)`, repair: "none: no account can own it; move it away by hand" });
      return false;
    }
    if (encode(decoded) !== encoded) {
      await this.#report({
        kind: "misspelt-name",
        where: path,
        detail: `Prosody looks for ${JSON.stringify(decoded)} under ${JSON.stringify(encode(decoded))}, so it never reads this`,
        repair: "none: rename it by hand once it is clear which copy to keep",
      });
    }
    return true;
  }

  async run(): Promise<void> {
    for (const host of await entries(this.#root)) {
      if (host.name.startsWith(".") || !host.isDirectory()) continue; // files beside the hosts: prosody.sqlite, certificates…
      const hostDir = join(this.#root, host.name);
      if (host.name !== "_global" && !(await this.name(hostDir, host.name, encodeName))) continue;
      for (const entry of await entries(hostDir)) {
        const path = join(hostDir, entry.name);
        if (entry.name.startsWith(".")) continue;
        if (entry.isDirectory()) {
          if (!(await this.name(path, entry.name, encodeStoreName))) continue;
          for (const file of await entries(path)) {
            if (file.name.startsWith(".")) continue;
            await this.file(join(path, file.name), file, encodeName);
          }
        } else await this.file(path, entry, encodeStoreName);
      }
    }
  }

  async file(path: string, entry: Dirent, encode: (name: string) => string): Promise<void> {
    const match = DATA_FILE.exec(entry.name);
    if (entry.name.endsWith("~")) {
      return this.#report(
        { kind: "scratch-file", where: path, detail: "left behind by an interrupted write; the file it was to replace is intact", repair: "moved into the backup" },
        async () => {
          await this.#backup(path);
          await unlink(path);
        },
      );
    }
    if (!entry.isFile() || !match) {
      return this.#report({ kind: "outside-layout", where: path, detail: "not a .dat, .list or .lidx file of Prosody's layout", repair: "none: not data Prosody reads" });
    }
    if (!(await this.name(path, match[1]!, encode))) return;
    if (match[2] === "dat") return this.#dat(path);
    if (match[2] === "list") return this.#list(path);
    return this.#orphanLidx(path);
  }

  async #dat(path: string): Promise<void> {
    try {
      decodeDat(await readFile(path), path);
    } catch (error) {
      await this.#report({ kind: "unparseable", where: path, detail: (error as Error).message, repair: "none: the data would be lost" });
    }
  }

  async #list(path: string): Promise<void> {
    const bytes = await readFile(path);
    let scanned;
    try {
      scanned = scanListItems(bytes, path, []);
    } catch (error) {
      return this.#report({ kind: "unparseable", where: path, detail: (error as Error).message, repair: "none: the items after the damage would be lost" });
    }
    let end = bytes.length;
    if (scanned.torn) {
      end = scanned.torn.start;
      await this.#report(
        { kind: "torn-tail", where: path, detail: `the last item is incomplete (from byte ${end} of ${bytes.length}): ${scanned.torn.reason}`, repair: "cut off after the last complete item, the file kept in the backup" },
        async () => {
          await this.#backup(path);
          await truncate(path, end);
        },
      );
    }
    await this.#lidx(path.replace(/\.list$/, ".lidx"), scanned.items.map((item) => item.end));
  }

  /** Prosody 13's index beside a list must give exactly the end of every complete item. */
  async #lidx(path: string, ends: number[]): Promise<void> {
    let found: number[] | undefined;
    try {
      found = readLidx(path);
    } catch (error) {
      return this.#report({ kind: "lidx-mismatch", where: path, detail: `unreadable: ${(error as Error).message}`, repair: "none" });
    }
    if (found === undefined) {
      if (!existsSync(path)) return; // no index: Prosody 13 builds one
      return this.#removeLidx(path, `not an index (its magic number is not ${LIDX_MAGIC})`);
    }
    const wrongAt = found.findIndex((end, i) => end !== ends[i]);
    if (found.length === ends.length && wrongAt < 0) return;
    const why = found.length !== ends.length ? `it indexes ${found.length} items, the list holds ${ends.length} complete ones` : `item ${wrongAt + 1} ends elsewhere`;
    return this.#removeLidx(path, why);
  }

  #removeLidx(path: string, why: string): Promise<void> {
    return this.#report(
      { kind: "lidx-mismatch", where: path, detail: `disagrees with its .list: ${why}`, repair: "removed (kept in the backup); Prosody 13 rebuilds it" },
      async () => {
        await this.#backup(path);
        await unlink(path);
      },
    );
  }

  async #orphanLidx(path: string): Promise<void> {
    const list = path.replace(/\.lidx$/, ".list");
    if (existsSync(list)) return; // checked with its list
    await this.#report({ kind: "orphan-lidx", where: path, detail: "an index without its .list", repair: "removed (kept in the backup)" }, async () => {
      await this.#backup(path);
      await unlink(path);
    });
  }
}

/**
 * Checks a data directory against Prosody's layout: `HOST/STORE/USER.dat|.list|.lidx` and
 * `HOST/STORE.dat|.list|.lidx`, every name decoding and spelt as Prosody encodes it, every
 * `.dat` parsing, every `.list` parsing up to a possibly torn last item, every `.lidx` matching
 * its list. With `repair`, holds the directory's lock and fixes what loses nothing: torn tails
 * are cut, wrong or orphaned indexes and scratch files removed, each first copied into
 * `.xmppstore-backup-STAMP/`.
 */
export async function checkDataDir(root: string, options: HealthOptions): Promise<HealthProblem[]> {
  const check = new DataDirCheck(root, options);
  if (!options.repair) {
    await check.run();
    return check.problems;
  }
  const lock = await lockDataDir(root);
  try {
    await check.run();
  } finally {
    await lock.release();
  }
  return check.problems;
}
