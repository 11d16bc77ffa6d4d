import { Element } from "ltx";
import { storageError } from "../errors.js";
import type { ArchiveDeleteQuery, ArchiveQuery, User } from "../contracts/index.js";

/** Longest user name accepted, in UTF-8 bytes: the limit RFC 7622 sets for a JID localpart. */
const MAX_USER_BYTES = 1023;
const MAX_NAME_BYTES = 1023;



function checkText(value: string, what: string, maxBytes: number): void {
  if (!value.isWellFormed()) throw storageError("invalid-input", `${what} ${JSON.stringify(value)} is not well-formed Unicode`);
  if (value.includes("\0")) throw storageError("invalid-input", `${what} ${JSON.stringify(value)} contains a NUL character`);
  if (Buffer.byteLength(value) > maxBytes) throw storageError("invalid-input", `${what} is longer than ${maxBytes} bytes`);
}

/** A user is a non-empty string, or null for host-wide data (`""` would alias null in SQL). */
export function checkUser(user: unknown, what = "user"): asserts user is User {
  if (user === null) return;
  if (typeof user !== "string") throw storageError("invalid-input", `${what} must be a string or null, got ${describe(user)}`);
  if (user === "") throw storageError("invalid-input", `${what} must not be empty (use null for host-wide data)`);
  checkText(user, what, MAX_USER_BYTES);
}

/** Host and store names: non-empty text. */
export function checkName(name: unknown, what: string): asserts name is string {
  if (typeof name !== "string" || name === "") throw storageError("invalid-input", `${what} must be a non-empty string, got ${describe(name)}`);
  checkText(name, what, MAX_NAME_BYTES);
}

export function checkKey(key: unknown, what = "key"): asserts key is string {
  if (typeof key !== "string") throw storageError("invalid-input", `${what} must be a string, got ${describe(key)}`);
  if (!key.isWellFormed()) throw storageError("invalid-input", `${what} ${JSON.stringify(key)} is not well-formed Unicode`);
}

/**
 * The key of a map-wide call (`getAll`, `deleteAll`, …): Prosody's storage spec requires a
 * non-empty string there (an empty key names no field of any user).
 */
export function checkMapWideKey(key: unknown): asserts key is string {
  checkKey(key);
  if (key === "") throw storageError("invalid-input", "key must not be empty for a call across all users");
}

/**
 * An archive id or contact (`key`, `with`, an id of a query): a key without U+0000, which no
 * JID or id holds and several engines cannot take, so it is refused alike on every backend.
 */
export function checkArchiveText(text: unknown, what: string): asserts text is string {
  checkKey(text, what);
  if (text.includes("\0")) throw storageError("invalid-input", `${what} ${JSON.stringify(text)} contains a NUL character`);
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return `an object (${value.constructor?.name ?? "no prototype"})`;
  if (typeof value === "string") return JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}

const QUERY_FIELDS = new Set(["start", "end", "with", "before", "after", "ids", "key", "limit", "reverse", "total"]);

function checkCount(value: unknown, what: string): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) >= 0)) {
    throw storageError("invalid-input", `${what} must be a whole number >= 0, got ${describe(value)}`);
  }
}

/** Archive queries: known fields only, each of its type, so a typo never widens a delete. */
export function checkQuery(query: unknown, allowTruncate = false): asserts query is ArchiveDeleteQuery | undefined {
  if (query === undefined || query === null) return;
  if (typeof query !== "object" || Array.isArray(query)) throw storageError("invalid-input", `query must be an object, got ${describe(query)}`);
  const q = query as Record<string, unknown>;
  for (const field of Object.keys(q)) {
    if (q[field] === undefined) continue;
    if (!QUERY_FIELDS.has(field) && !(allowTruncate && field === "truncate")) throw storageError("invalid-input", `query.${field} is not a query field`);
  }
  for (const field of ["start", "end"]) {
    if (q[field] !== undefined && !(typeof q[field] === "number" && Number.isFinite(q[field]))) {
      throw storageError("invalid-input", `query.${field} must be a time in seconds, got ${describe(q[field])}`);
    }
  }
  for (const field of ["with", "before", "after", "key"]) {
    if (q[field] !== undefined) checkArchiveText(q[field], `query.${field}`);
  }
  if (q.ids !== undefined) {
    if (!Array.isArray(q.ids)) throw storageError("invalid-input", `query.ids must be a list of strings, got ${describe(q.ids)}`);
    for (const id of q.ids) checkArchiveText(id, "an id of query.ids");
  }
  checkCount(q.limit, "query.limit");
  checkCount(q.truncate, "query.truncate");
  for (const field of ["reverse", "total"]) {
    if (q[field] !== undefined && typeof q[field] !== "boolean") throw storageError("invalid-input", `query.${field} must be a boolean`);
  }
}

/** A copy without undefined fields, so backends can test fields with `!== undefined` only. */
export function cleanQuery<Q extends ArchiveQuery>(query: Q | undefined | null): Q {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(query ?? {})) {
    if (value !== undefined) out[field] = field === "ids" ? [...(value as string[])] : value;
  }
  return out as Q;
}

export function checkArchiveValue(value: unknown): asserts value is Element {
  if (!(value instanceof Element)) {
    throw storageError("unsupported-datatype", `archive values must be XML elements (ltx Element), got ${describe(value)}`);
  }
}

export function checkWhen(when: unknown): asserts when is number | undefined {
  if (when !== undefined && !(typeof when === "number" && Number.isFinite(when))) {
    throw storageError("invalid-input", `when must be a time in seconds, got ${describe(when)}`);
  }
}

export function checkWith(with_: unknown): asserts with_ is string | undefined {
  if (with_ !== undefined && with_ !== null) checkArchiveText(with_, "with");
}

export function checkArchiveKey(key: unknown): asserts key is string | null {
  if (key === null || key === undefined) return;
  checkArchiveText(key, "key");
  if (key === "") throw storageError("invalid-input", "key must not be empty (use null for a new id)");
}
