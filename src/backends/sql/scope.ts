import type { KeyValCaps } from "../../contracts/index.js";
import type { SqlEngine } from "./connection.js";
import type { ValueCodec } from "./values.js";
import type { Dialect } from "./dialects/dialect.js";
import { checkText } from "./archive-checks.js";

/** What a store needs to know about where its rows live. */
export interface SqlTable {
  /** The backend's caps, which its stores carry too. */
  readonly caps: KeyValCaps;
  readonly engine: SqlEngine;
  readonly codec: ValueCodec;
  readonly host: string;
  readonly store: string;
  /** Map keys are written as UPSERTs: the schema is Prosody 13's (unique key index) and the engine has them. */
  readonly upsert?: boolean;
}

/**
 * The `user` column of a user: Prosody's SQL schema keeps host-wide data (user `nil`) under `""`.
 * A name the engine cannot hold faithfully is refused, so it never aliases another name's data.
 */
export function userColumn(user: string | null, dialect: Dialect): string {
  return user === null ? "" : checkText(dialect, dialect.engine, "user name", user);
}

/** `host/store` or `user@host/store`, for messages. */
export function describeObject(scope: SqlTable, user: string | null | true, extra = ""): string {
  const who = user === true ? "*@" : user === null ? "" : `${user}@`;
  return `${who}${scope.host}/${scope.store}${extra}`;
}
