import { resolve, sep } from "node:path";
import { storageError } from "../../errors.js";
import type { User } from "../../contracts/index.js";
import { encodeChecked } from "./names.js";

/** File kinds of Prosody's datamanager: keyval data, archive lists, Prosody 13's list index. */
export type FileKind = "dat" | "list" | "lidx";

/**
 * Where one host's data lives, as Prosody lays it out:
 * `DATA/HOST/STORE/USER.dat|.list` for a user, `DATA/HOST/STORE.dat|.list` for host-wide data.
 * Every name is encoded (see names.ts), so no name can contain `/` or be `.`/`..`.
 */
export class HostLayout {
  /** Absolute data directory. */
  readonly root: string;
  /** Absolute directory of this host. */
  readonly hostDir: string;

  constructor(dataPath: string, host: string) {
    this.root = resolve(dataPath);
    this.hostDir = this.#inside(`${this.root}${sep}${encodeChecked(host, "host")}`);
  }

  /** Directory holding the per-user files of a store. */
  storeDir(store: string): string {
    return this.#inside(`${this.hostDir}${sep}${encodeChecked(store, "store")}`);
  }

  /** The file of `user`'s data in `store` (host-wide data when `user` is null). */
  file(store: string, user: User, kind: FileKind): string {
    if (user === null) return this.#inside(`${this.hostDir}${sep}${encodeChecked(store, "store")}.${kind}`);
    return this.#inside(`${this.storeDir(store)}${sep}${encodeChecked(user, "user")}.${kind}`);
  }

  /** The directory a file of `store`/`user` is created in. */
  dirOf(store: string, user: User): string {
    return user === null ? this.hostDir : this.storeDir(store);
  }

  /**
   * Encoding already makes escaping impossible; this second check guards against a future
   * change to the encoding ever letting a path leave the data directory.
   */
  #inside(path: string): string {
    if (!path.startsWith(this.root + sep) || path.includes(`${sep}..`) || path.includes("\0")) {
      throw storageError("invalid-input", `refusing a path outside the data directory: ${JSON.stringify(path)}`, { backend: "internal" });
    }
    return path;
  }
}
