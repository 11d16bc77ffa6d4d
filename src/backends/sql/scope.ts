import type { SqlEngine } from "./connection.js";
import type { ValueCodec } from "./values.js";

/** What a store needs to know about where its rows live. */
export interface StoreScope {
  readonly engine: SqlEngine;
  readonly codec: ValueCodec;
  readonly host: string;
  readonly store: string;
}

/** Prosody's SQL schema keeps host-wide data (user `nil`) under the user name `""`. */
export function userColumn(user: string | null): string {
  return user ?? "";
}

/** `host/store` or `user@host/store`, for messages. */
export function describeObject(scope: StoreScope, user: string | null | true, extra = ""): string {
  const who = user === true ? "*@" : user === null ? "" : `${user}@`;
  return `${who}${scope.host}/${scope.store}${extra}`;
}
