import { resolve } from "node:path";
import { Element } from "ltx";
import { holdsStore, storeCaps, type ArchiveStore, type Backend, type BackendCaps, type BackendFactory, type DiscoveredStore, type KeyValStore, type StoreHoldings, type User } from "../../contracts/index.js";
import { storageError } from "../../errors.js";
import type { ArchiveRecord } from "../../archive/query.js";
import { isEmptyTable, type Value } from "../../values/index.js";
import { memoryArchive } from "../memory/archive.js";
import { memoryKeyVal } from "../memory/keyval.js";
import { ARCHIVE_CODECS } from "./archives.js";
import { NS, isNodeprepped, type Flavor, type UserPart } from "./codec.js";
import { DEFAULT_MAX_BYTES, userFileName } from "./files.js";
import { Xep0227Space, type HostModel, type Place } from "./space.js";
import { KEYVAL_STORES, keyvalCodec } from "./user.js";

/** What each flavor holds: ejabberd's importer takes no blocklist, PEP or message archive. */
export const XEP0227_HOLDINGS: Record<Flavor, StoreHoldings> = {
  standard: { keyval: KEYVAL_STORES, archive: ["archive", "offline"], archivePrefixes: ["pep_"], hostWide: false, anyValue: false },
  ejabberd: { keyval: ["accounts", "vcard", "privacy", "roster", "private"], archive: ["offline"], archivePrefixes: [], hostWide: false, anyValue: false },
};

/** Keyval and archive stores served (map and keyval+ are composed by the manager); XML text cannot keep non-UTF-8 strings. */
function capsOf(flavor: Flavor): BackendCaps {
  return { stores: ["keyval", "archive"], persistent: true, byteStrings: false, holds: XEP0227_HOLDINGS[flavor] };
}

const NO_QUOTA = Number.MAX_SAFE_INTEGER;

function placeOf(options: Record<string, unknown>): Place {
  const path = String(options.xep0227_path ?? options.data_path ?? "./data");
  const flavor = options.xep0227_flavor ?? "standard";
  if (flavor !== "standard" && flavor !== "ejabberd") throw storageError("invalid-input", `xep0227_flavor must be "standard" or "ejabberd", got ${JSON.stringify(flavor)}`, { backend: "xep0227" });
  const maxBytes = options.xep0227_max_bytes ?? DEFAULT_MAX_BYTES;
  if (!Number.isSafeInteger(maxBytes) || (maxBytes as number) < 1) throw storageError("invalid-input", "xep0227_max_bytes must be a whole number of bytes", { backend: "xep0227" });
  const layout = path.endsWith(".xml") || flavor === "ejabberd" ? "document" : "directory";
  return { path: resolve(path), layout, flavor, maxBytes: maxBytes as number, passwordHash: options.password_hash === "SHA-256" ? "SHA-256" : "SHA-1" };
}

/** A `<user/>` in a `<host/>` in a document holding a store's part, so namespaces resolve as in a file. */
function scratchUser(host: string, user: string, part: UserPart): Element {
  const element = new Element("server-data", { xmlns: NS.pie }).c("host", { jid: host }).c("user", { name: user, ...part.attrs });
  part.children.forEach((child) => element.cnode(child));
  return element;
}

/**
 * XEP-0227 files as a storage backend (see the README): Prosody's per-user layout
 * (`xep0227_path` or, as mod_storage_xep0227, `data_path`), or one document (a path ending in
 * `.xml`; `xep0227_flavor = "ejabberd"` writes what `ejabberdctl import_piefxis` takes and reads
 * an `export_piefxis` directory). Data is read whole on first use and written on close.
 */
export const createXep0227Backend: BackendFactory = async (options, context): Promise<Backend> => {
  const place = placeOf(options);
  const key = `xep0227\0${place.path}\0${place.flavor}`;
  const space = await context.shared.get(key, () => new Xep0227Space(place), (s) => s.flush());
  const caps = capsOf(place.flavor);
  const quota = typeof options.storage_archive_item_limit === "number" ? options.storage_archive_item_limit : undefined;

  /** The user's name, if this place can hold their data; `lost` says why not (ejabberd). */
  function checkUser(user: User, store: string): string | undefined {
    if (user === null) throw storageError("unsupported-store", `${context.host} ${store}: XEP-0227 has no place for host-wide data`, { backend: "xep0227" });
    if (place.layout === "directory") userFileName(user, context.host);
    if (place.flavor === "ejabberd") {
      if (!isNodeprepped(user)) {
        space.context(context.host, user, store).lost(`all of user ${JSON.stringify(user)}: the name fails nodeprep (ejabberd's import would stop there)`);
        return undefined;
      }
    }
    return user;
  }

  function carryKeyVal(model: HostModel, user: string, store: string, value: Value): Value | undefined {
    const codec = keyvalCodec(store)!;
    const part = codec.encode(value, space.context(model.name, user, store));
    return codec.decode(scratchUser(model.name, user, part), space.context(model.name, user, store, false)).value;
  }

  function carryItem(model: HostModel, user: string, store: string, record: ArchiveRecord): ArchiveRecord | undefined {
    const codec = ARCHIVE_CODECS.find((c) => c.holds(store))!;
    const children = codec.encode([[store, [record]]], (s) => space.context(model.name, user, s));
    const decoded = codec.decode(scratchUser(model.name, user, { children }), space.context(model.name, user, store, false));
    return decoded.stores.get(store)?.[0];
  }

  function keyvalStore(model: HostModel, store: string): KeyValStore {
    const inner = memoryKeyVal(model.keyvalData(store));
    return {
      caps: storeCaps(caps),
      get: (user) => (user === null ? Promise.resolve(undefined) : inner.get(user)),
      users: () => inner.users(),
      async set(user, data) {
        const name = checkUser(user, store);
        if (name === undefined) return;
        const empty = data === undefined || data === null || isEmptyTable(data);
        await inner.set(name, empty ? undefined : carryKeyVal(model, name, store, data));
        space.touch(model.name, name);
      },
    };
  }

  function archiveStore(model: HostModel, store: string): ArchiveStore {
    const inner = memoryArchive(model.archiveData(store), quota ?? NO_QUOTA);
    const carried = (user: User, id: string, value: Element, when: number | undefined, with_: string | undefined) => {
      const name = checkUser(user, store);
      const record = name === undefined ? undefined : carryItem(model, name, store, { key: id, value, when: when ?? Math.floor(Date.now() / 1000), ...(with_ === undefined ? {} : { with: with_ }) });
      if (!record) throw storageError("unsupported-datatype", `${context.host} ${store}: this item has no place in ${place.flavor === "ejabberd" ? "ejabberd's import" : "XEP-0227"} (see what was not carried)`, { backend: "xep0227" });
      return { name: name!, record };
    };
    return {
      caps: { ...inner.caps, quota },
      async append(user, key, value, when, with_) {
        const { name, record } = carried(user, key ?? "pending-id", value, when, with_);
        const id = await inner.append(name, key, record.value, record.when, record.with);
        space.touch(model.name, name);
        return id;
      },
      async set(user, id, value, when, with_) {
        // As the other backends: what is not given stays as it was.
        const current = await inner.get(user, id);
        if (!current) return false;
        const { name, record } = carried(user, id, value, when ?? current.when, with_ ?? (current.with === "" ? undefined : current.with));
        const changed = await inner.set(name, id, record.value, record.when, record.with);
        if (changed) space.touch(model.name, name);
        return changed;
      },
      async delete(user, query) {
        const removed = await inner.delete(user, query);
        if (user === true) for (const name of model.users()) space.touch(model.name, name);
        else if (user !== null) space.touch(model.name, user);
        return removed;
      },
      find: (user, query) => inner.find(user, query),
      get: (user, id) => inner.get(user, id),
      summary: (user, query) => inner.summary(user, query),
      users: () => inner.users(),
    };
  }

  return {
    caps,
    async open(store, type) {
      await space.load();
      const model = space.host(context.host);
      const known = (type === "archive" || type === "keyval") && holdsStore(caps, store, type);
      if (!known) {
        throw storageError("unsupported-store", `${place.flavor === "ejabberd" ? "ejabberd's import" : "XEP-0227"} has no place for the ${type} store ${JSON.stringify(store)}`, { backend: "xep0227" });
      }
      return type === "archive" ? archiveStore(model, store) : keyvalStore(model, store);
    },
    async purge(user) {
      await space.load();
      const model = space.host(context.host);
      model.remove(user);
      space.touch(context.host, user);
    },
    async *discover(): AsyncIterable<DiscoveredStore> {
      await space.load();
      for (const model of space.hosts.values()) {
        for (const [store, data] of model.keyvals) if (data.size > 0) yield { host: model.name, store, type: "keyval" };
        for (const [store, data] of model.archives) if ([...data.values()].some((list) => list.items.length > 0)) yield { host: model.name, store, type: "archive" };
      }
    },
    takeNotCarried: () => space.notCarried.splice(0),
  };
};

export default createXep0227Backend;
