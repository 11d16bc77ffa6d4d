/**
 * Objects keyed by data (user names, table keys) must not lose an entry because of its name:
 * assigning `obj["__proto__"] = v` would set the prototype instead, and an ordinary object
 * answers `obj.constructor` for a key nobody stored. Two tools for that:
 */

/**
 * A fresh null-prototype object, for results keyed by user name (map `getAll`): only stored
 * keys are there, so `result["constructor"]` is `undefined` unless a user of that name has one.
 */
export function emptyDictionary<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** Sets `key` as an own data property, even when the key is `__proto__`. */
export function setField<T>(object: Record<string, T>, key: string, value: T): void {
  if (key === "__proto__") Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}

/** The own entries of `record` as a null-prototype dictionary (`undefined` stays `undefined`). */
export function asDictionary<T>(record: Record<string, T> | undefined): Record<string, T> | undefined {
  if (record === undefined) return undefined;
  const out = emptyDictionary<T>();
  for (const [key, value] of Object.entries(record)) out[key] = value;
  return out;
}
