import { access } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { storageError } from "../errors.js";
import type { BackendFactory } from "../contracts/index.js";
import { PromiseCache } from "../util/promise-cache.js";

type FactoryLoader = () => Promise<BackendFactory>;

/** Built-in backends, imported only when first used. */
const BUILTINS: Record<string, FactoryLoader> = {
  internal: async () => (await import("../backends/internal/index.js")).createInternalBackend,
  memory: async () => (await import("../backends/memory/index.js")).createMemoryBackend,
  null: async () => (await import("../backends/null/index.js")).createNullBackend,
  none: async () => (await import("../backends/none/index.js")).createNoneBackend,
  sql: async () => (await import("../backends/sql/index.js")).createSqlBackend,
  xep0227: async () => (await import("../backends/xep0227/index.js")).createXep0227Backend,
};

/** The package name under which a third-party backend NAME is published. */
export function pluginPackageName(name: string): string {
  return `xmppstore-storage-${name}`;
}

function factoryOf(module: Record<string, unknown>, where: string): BackendFactory {
  const factory = module.default ?? module.createBackend;
  if (typeof factory !== "function") {
    throw new Error(`${where} exports no backend factory (a default export or createBackend function)`);
  }
  return factory as BackendFactory;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds backend factories by name, in this order: factories given in the configuration
 * (`backends`), built-ins, `mod_storage_NAME.js`/`.mjs` in a `plugin_paths` directory, then
 * the npm package `xmppstore-storage-NAME`. Each name is resolved once per registry.
 */
export class BackendRegistry {
  readonly #given: Readonly<Record<string, BackendFactory>>;
  readonly #pluginPaths: readonly string[];
  readonly #loaded = new PromiseCache<BackendFactory>();

  constructor(given: Readonly<Record<string, BackendFactory>>, pluginPaths: readonly string[]) {
    this.#given = given;
    this.#pluginPaths = pluginPaths;
  }

  load(name: string): Promise<BackendFactory> {
    // A failed load is not cached: the plugin may be installed or fixed later.
    return this.#loaded.get(name, () => this.#resolve(name));
  }

  async #resolve(name: string): Promise<BackendFactory> {
    const given = Object.hasOwn(this.#given, name) ? this.#given[name] : undefined;
    if (given) return given;
    const builtin = Object.hasOwn(BUILTINS, name) ? BUILTINS[name] : undefined;
    try {
      if (builtin) return await builtin();
      for (const dir of this.#pluginPaths) {
        for (const ext of [".js", ".mjs"]) {
          const file = resolve(join(dir, `mod_storage_${name}${ext}`));
          if (await exists(file)) return factoryOf(await import(pathToFileURL(file).href), file);
        }
      }
      const pkg = pluginPackageName(name);
      try {
        return factoryOf(await import(pkg), pkg);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND" && String(error).includes(pkg)) {
          const searched = this.#pluginPaths.length ? ` nor mod_storage_${name}.js in ${this.#pluginPaths.join(", ")}` : "";
          throw new Error(`no built-in backend of that name, no package ${pkg}${searched}`, { cause: error });
        }
        throw error;
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw storageError("backend-failure", `cannot load storage backend "${name}": ${reason}`, { backend: name, cause: error });
    }
  }
}
