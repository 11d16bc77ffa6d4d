import type { SharedResources } from "../contracts/index.js";

interface Entry {
  value: Promise<unknown>;
  close: (resource: never) => void | Promise<void>;
}

/** Manager-scoped resources shared between backend instances; closed in reverse order. */
export class SharedPool implements SharedResources {
  readonly #entries = new Map<string, Entry>();

  get<T>(key: string, create: () => T | Promise<T>, close: (resource: T) => void | Promise<void>): Promise<T> {
    let entry = this.#entries.get(key);
    if (!entry) {
      const value = Promise.resolve().then(create);
      value.catch(() => this.#entries.delete(key));
      entry = { value, close: close as Entry["close"] };
      this.#entries.set(key, entry);
    }
    return entry.value as Promise<T>;
  }

  async close(): Promise<void> {
    const entries = [...this.#entries.values()].reverse();
    this.#entries.clear();
    const failures: unknown[] = [];
    for (const entry of entries) {
      try {
        const resource = await entry.value.catch(() => undefined);
        if (resource !== undefined) await entry.close(resource as never);
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length) throw failures[0];
  }
}
