/** The conditions a {@link StorageError} can carry; the names follow Prosody's error strings. */
export const CONDITIONS = [
  "item-not-found",
  "conflict",
  "quota-limit",
  "unsupported-datatype",
  "unsupported-store",
  "storage-disabled",
  "invalid-input",
  "backend-failure",
] as const;

export type StorageCondition = (typeof CONDITIONS)[number];

/**
 * Every failure of the storage layer. `condition` says what kind of failure it is; the message
 * names the backend and the object concerned; `cause` keeps the original error, if any.
 */
export class StorageError extends Error {
  readonly condition: StorageCondition;

  constructor(condition: StorageCondition, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StorageError";
    this.condition = condition;
  }
}

/** What an error names besides its condition; each part is optional. */
export interface ErrorFacts {
  /** The part that failed, shown first in brackets: a backend's configured name, a typed store, `manager`. */
  backend?: string;
  /** What it failed on (`user@host/store`, a file, an option), shown before the message. */
  object?: string;
  /** The original error. */
  cause?: unknown;
}

/**
 * The one way errors are made: `[backend] object: message`, with the parts given, and the cause
 * kept. Every StorageError of the package is built here (or by {@link toStorageError}, which uses it).
 */
export function storageError(condition: StorageCondition, message: string, facts: ErrorFacts = {}): StorageError {
  const { backend, object, cause } = facts;
  const text = `${backend === undefined ? "" : `[${backend}] `}${object === undefined ? "" : `${object}: `}${message}`;
  return new StorageError(condition, text, "cause" in facts ? { cause } : undefined);
}

export function isStorageError(error: unknown, condition?: StorageCondition): error is StorageError {
  return error instanceof StorageError && (condition === undefined || error.condition === condition);
}

/**
 * A StorageError from another copy of this package (a plugin with its own dependency) is not
 * `instanceof` ours; it is recognised by name and condition and re-made as ours.
 */
function fromForeignStorageError(error: unknown): StorageError | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { name, condition, message } = error as { name?: unknown; condition?: unknown; message?: unknown };
  if (name !== "StorageError" || !CONDITIONS.includes(condition as StorageCondition)) return undefined;
  return storageError(condition as StorageCondition, String(message), { cause: error });
}

export function toStorageError(backend: string, what: string, error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  const foreign = fromForeignStorageError(error);
  if (foreign) return foreign;
  const reason = error instanceof Error ? error.message : String(error);
  return storageError("backend-failure", reason, { backend, object: what, cause: error });
}
