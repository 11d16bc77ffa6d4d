import { mkdir, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Element } from "ltx";
import type { NotCarried } from "../../contracts/index.js";
import type { ArchiveRecord } from "../../archive/query.js";
import { storageError } from "../../errors.js";
import type { Value } from "../../values/index.js";
import { memoryArchive, type ArchiveData } from "../memory/archive.js";
import type { KeyValData } from "../memory/keyval.js";
import { NS, type CodecContext, type Flavor } from "./codec.js";
import { ejabberdMainFile, readDocument, readUserDirectory, removeFile, userFileName, writeXmlFile, type FoundUser } from "./files.js";
import { decodeUser, encodeUser, type UserData } from "./user.js";

/** Where the data is: a directory of `USER@HOST.xml` files, or one document. */
export interface Place {
  path: string;
  layout: "directory" | "document";
  flavor: Flavor;
  maxBytes: number;
  passwordHash: "SHA-1" | "SHA-256";
}

const LOAD_QUOTA = Number.MAX_SAFE_INTEGER;

/** One host's data as Prosody's stores hold it. */
export class HostModel {
  readonly keyvals = new Map<string, KeyValData>();
  readonly archives = new Map<string, ArchiveData>();
  readonly extras = new Map<string, Element[]>();

  constructor(readonly name: string) {}

  keyvalData(store: string): KeyValData {
    return this.keyvals.get(store) ?? this.keyvals.set(store, new Map()).get(store)!;
  }

  archiveData(store: string): ArchiveData {
    return this.archives.get(store) ?? this.archives.set(store, new Map()).get(store)!;
  }

  users(): Set<string> {
    const users = new Set<string>(this.extras.keys());
    for (const data of this.keyvals.values()) for (const user of data.keys()) users.add(user);
    for (const data of this.archives.values()) for (const [user, list] of data) if (list.items.length > 0) users.add(user);
    return users;
  }

  async add(user: string, data: UserData): Promise<void> {
    for (const [store, value] of data.keyval) this.keyvalData(store).set(user, value);
    for (const [store, records] of data.archives) {
      const archive = memoryArchive(this.archiveData(store), LOAD_QUOTA);
      for (const record of records) await archive.append(user, record.key, record.value, record.when, record.with);
    }
    if (data.extra.length > 0) this.extras.set(user, data.extra);
  }

  userData(user: string): UserData {
    const keyval = new Map<string, Value>();
    for (const [store, data] of this.keyvals) if (data.has(user)) keyval.set(store, data.get(user)!);
    const archives = new Map<string, ArchiveRecord[]>();
    for (const [store, data] of this.archives) {
      const items = data.get(user)?.items ?? [];
      if (items.length > 0) archives.set(store, items);
    }
    return { keyval, archives, extra: this.extras.get(user) ?? [] };
  }

  isEmpty(user: string): boolean {
    const data = this.userData(user);
    return data.keyval.size === 0 && data.archives.size === 0 && data.extra.length === 0;
  }

  remove(user: string): void {
    for (const data of this.keyvals.values()) data.delete(user);
    for (const data of this.archives.values()) data.delete(user);
    this.extras.delete(user);
  }
}

/**
 * All the data of one XEP-0227 place, shared by the backends of every host of a manager: read
 * whole on first use, changed in memory, and written back (only what changed, for a directory;
 * the whole document otherwise) by {@link flush}, which the manager's close calls.
 */
export class Xep0227Space {
  readonly hosts = new Map<string, HostModel>();
  /** What was given to it or found in the files that the format (or ejabberd) cannot hold. */
  readonly notCarried: NotCarried[] = [];
  readonly #dirty = new Set<string>();
  #loading: Promise<void> | undefined;

  constructor(readonly place: Place) {}

  context(host: string, user: string, store: string, record = true): CodecContext {
    const lost = record ? (what: string) => void this.notCarried.push({ host, store, user, what }) : () => {};
    return { host, user, flavor: this.place.flavor, passwordHash: this.place.passwordHash, lost };
  }

  host(name: string): HostModel {
    return this.hosts.get(name) ?? this.hosts.set(name, new HostModel(name)).get(name)!;
  }

  /** Reads the files, once. */
  load(): Promise<void> {
    this.#loading ??= this.#read();
    return this.#loading;
  }

  async #read(): Promise<void> {
    const { path, layout, maxBytes } = this.place;
    let found: FoundUser[] = [];
    if (layout === "directory") found = await readUserDirectory(path, maxBytes);
    else {
      const isDir = await stat(path).then((s) => s.isDirectory(), () => false);
      const exists = isDir || (await stat(path).then(() => true, () => false));
      if (exists) found = await readDocument(isDir ? await ejabberdMainFile(path) : path, maxBytes);
    }
    for (const { host, user, element } of found) {
      const data = decodeUser(element, (store) => this.context(host, user, store));
      await this.host(host).add(user, data);
    }
  }

  touch(host: string, user: string): void {
    this.#dirty.add(`${host}\0${user}`);
  }

  /** Writes what changed since the last flush. */
  async flush(): Promise<void> {
    if (this.#dirty.size === 0) return;
    const dirty = [...this.#dirty].map((key) => key.split("\0") as [string, string]);
    this.#dirty.clear();
    const { path, layout, flavor } = this.place;
    if (layout === "directory") {
      await mkdir(path, { recursive: true, mode: 0o750 });
      for (const [host, user] of dirty) {
        const file = join(path, userFileName(user, host));
        const model = this.host(host);
        if (model.isEmpty(user)) await removeFile(file);
        else await writeXmlFile(file, this.#document([[host, [user]]]));
      }
      return;
    }
    if (await stat(path).then((s) => s.isDirectory(), () => false)) {
      throw storageError("invalid-input", `${path} is a directory: ${flavor === "ejabberd" ? "ejabberd imports one file; give FILE.xml" : "give FILE.xml, or use the directory layout"}`, { backend: "xep0227" });
    }
    await mkdir(dirname(path), { recursive: true });
    const hosts = [...this.hosts.values()].map((m): [string, string[]] => [m.name, [...m.users()].filter((u) => !m.isEmpty(u)).sort()]);
    await writeXmlFile(path, this.#document(hosts.filter(([, users]) => users.length > 0)));
  }

  #document(hosts: Array<[string, string[]]>): Element {
    const root = new Element("server-data", { xmlns: NS.pie });
    for (const [host, users] of hosts) {
      const hostElement = root.c("host", { jid: host });
      const model = this.host(host);
      for (const user of users) hostElement.cnode(encodeUser(user, model.userData(user), (store) => this.context(host, user, store, false), this.place.flavor));
    }
    return root;
  }
}
