// An example third-party storage backend for xmppstore: keyval stores kept as one JSON file
// per host. Load it with `plugin_paths: ["examples/plugins"]` and `storage: "jsonfile"`, or
// publish it as the npm package `xmppstore-storage-jsonfile`.
//
// It supports keyval stores only; the storage manager provides map and keyval+ views on top,
// and refuses archive stores with `unsupported-store`.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

class PluginError extends Error {
  constructor(condition, message) {
    super(message);
    // Recognised by xmppstore as a StorageError, even from a separate copy of the package.
    this.name = "StorageError";
    this.condition = condition;
  }
}

function isJsonValue(value) {
  if (value === null || ["string", "boolean"].includes(typeof value)) return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJsonValue);
  if (Object.getPrototypeOf(value) === Object.prototype) return Object.values(value).every(isJsonValue);
  return false;
}

/** The backend factory: xmppstore calls it once per host that uses this backend. */
export default function createJsonFileBackend(options, context) {
  const dir = options.jsonfile_path ?? options.data_path ?? "./data";
  const file = join(dir, `${encodeURIComponent(context.host)}.json`);
  let queue = Promise.resolve();

  async function load() {
    try {
      return JSON.parse(await readFile(file, "utf8"));
    } catch (error) {
      if (error.code === "ENOENT") return {};
      throw new PluginError("backend-failure", `[jsonfile] cannot read ${file}: ${error.message}`);
    }
  }

  // Writes are queued so that two updates never interleave their read and write.
  function update(change) {
    const next = queue.then(async () => {
      const all = await load();
      change(all);
      await mkdir(dir, { recursive: true });
      await writeFile(`${file}~`, JSON.stringify(all));
      await rename(`${file}~`, file);
    });
    queue = next.catch(() => {});
    return next;
  }

  const slot = (user) => (user === null ? "" : `@${user}`);

  return {
    open(store, type) {
      if (type !== "keyval") throw new PluginError("unsupported-store", `[jsonfile] no ${type} stores`);
      return {
        async get(user) {
          return (await load())[store]?.[slot(user)];
        },
        set(user, data) {
          if (data !== undefined && !isJsonValue(data)) {
            throw new PluginError("unsupported-datatype", `[jsonfile] ${store}: only JSON values can be stored`);
          }
          return update((all) => {
            all[store] ??= {};
            if (data === undefined) delete all[store][slot(user)];
            else all[store][slot(user)] = data;
          });
        },
        async *users() {
          for (const key of Object.keys((await load())[store] ?? {})) if (key.startsWith("@")) yield key.slice(1);
        },
      };
    },
    purge(user) {
      return update((all) => {
        for (const store of Object.values(all)) delete store[slot(user)];
      });
    },
  };
}
