import type { Element } from "ltx";
import type { Value } from "../values/types.js";

/** `null` is host-wide data (Prosody's `nil` username). */
export type User = string | null;

export type StoreType = "keyval" | "map" | "keyval+" | "archive";

/** Marks a key for removal in {@link MapStore.setKeys}. */
export const REMOVE: unique symbol = Symbol.for("xmppstore.remove");
export type Remove = typeof REMOVE;

/** What a keyval-shaped store (keyval, map, keyval+) can do, as data: its `caps`. */
export interface KeyValCaps {
  /** Data outlives the manager (a new manager on the same configuration finds it). */
  readonly persistent: boolean;
  /** Strings that are not valid UTF-8 are kept byte for byte (SQLite and files do; PostgreSQL and MySQL text columns do not). */
  readonly byteStrings: boolean;
}

/** A map or keyval+ store's `caps`: also whether its backend writes it key by key. */
export interface MapCaps extends KeyValCaps {
  /**
   * `true`: the backend serves this store type itself. `false`: the manager composed it over the
   * backend's keyval store, so every write reads and rewrites the user's whole value, and writes
   * to one user that overlap in time can lose each other's keys (as in Prosody's own fallback).
   */
  readonly native: boolean;
}

export interface KeyValStore {
  readonly caps: KeyValCaps;
  /** The user's data, or `undefined` when nothing is stored. */
  get(user: User): Promise<Value | undefined>;
  /** Replaces the user's data; `undefined`, `null` or an empty table deletes it. */
  set(user: User, data: Value | undefined | null): Promise<void>;
  /** Users with data (host-wide data is not listed). */
  users(): AsyncIterable<string>;
}

export interface MapStore {
  readonly caps: MapCaps;
  get(user: User, key: string): Promise<Value | undefined>;
  /** `undefined` (or `null`) deletes the key. */
  set(user: User, key: string, value: Value | undefined | null): Promise<void>;
  setKeys(user: User, values: Record<string, Value | Remove>): Promise<void>;
  /** user → value of `key` for every user that has it; `undefined` if none has. */
  getAll(key: string): Promise<Record<string, Value> | undefined>;
  deleteAll(key: string): Promise<void>;
  readonly remove: Remove;
}

/** Prosody's "keyval+": a keyval store that can also be addressed key by key. */
export interface KeyValPlusStore {
  readonly caps: MapCaps;
  get(user: User): Promise<Value | undefined>;
  set(user: User, data: Value | undefined | null): Promise<void>;
  items(): AsyncIterable<string>;
  getKey(user: User, key: string): Promise<Value | undefined>;
  setKey(user: User, key: string, value: Value | undefined | null): Promise<void>;
  setKeys(user: User, values: Record<string, Value | Remove>): Promise<void>;
  getKeyFromAll(key: string): Promise<Record<string, Value> | undefined>;
  deleteKeyFromAll(key: string): Promise<void>;
  readonly remove: Remove;
}

export interface ArchiveQuery {
  /** Items with `when` >= start (seconds). */
  start?: number;
  /** Items with `when` <= end (seconds). */
  end?: number;
  with?: string;
  /** Only items before (after) the item with this id in archive order, exclusive. */
  before?: string;
  after?: string;
  ids?: string[];
  key?: string;
  limit?: number;
  reverse?: boolean;
  total?: boolean;
}

export interface ArchiveDeleteQuery extends ArchiveQuery {
  /** Keep the newest `truncate` of the matching items (the oldest, with `reverse`). */
  truncate?: number;
}

export interface ArchiveItem {
  id: string;
  value: Element;
  when: number;
  /** `""` for items stored without one. */
  with: string;
}

export interface ArchiveResult extends AsyncIterable<ArchiveItem> {
  /** Items matching the query without `limit`, `before` and `after`; set when `total` was asked. */
  total?: number;
}

export interface ArchiveCaps {
  total?: boolean;
  quota?: number;
  truncate?: boolean;
  fullIdRange?: boolean;
  ids?: boolean;
  wildcardDelete?: boolean;
}

export interface ArchiveSummary {
  counts: Record<string, number>;
  earliest: Record<string, number>;
  latest: Record<string, number>;
  body?: Record<string, string>;
}

/** `true` as the user of `delete` means every user of the store, where `caps.wildcardDelete`. */
export type ArchiveDeleteUser = User | true;

export interface ArchiveStore {
  readonly caps: ArchiveCaps;
  /** Adds an item and returns its id; an existing `key` is replaced and moves to the end. */
  append(user: User, key: string | null, value: Element, when?: number, with_?: string): Promise<string>;
  find(user: User, query?: ArchiveQuery): Promise<ArchiveResult>;
  /** Number of items removed. */
  delete(user: ArchiveDeleteUser, query?: ArchiveDeleteQuery): Promise<number | true>;
  get(user: User, id: string): Promise<{ value: Element; when: number; with: string } | undefined>;
  /** Changes an existing item in place; `false` (and nothing stored) if there is no such id. */
  set(user: User, id: string, value: Element, when?: number, with_?: string): Promise<boolean>;
  summary(user: User, query?: ArchiveQuery): Promise<ArchiveSummary>;
  users(): AsyncIterable<string>;
}

export type AnyStore = KeyValStore | MapStore | KeyValPlusStore | ArchiveStore;

export interface StoreByType {
  keyval: KeyValStore;
  map: MapStore;
  "keyval+": KeyValPlusStore;
  archive: ArchiveStore;
}

/** Where log lines go; every method is optional. */
export interface Logger {
  debug?(message: string): void;
  info?(message: string): void;
  warn?(message: string): void;
  error?(message: string): void;
}
