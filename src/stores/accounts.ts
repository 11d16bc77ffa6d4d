import { storageError } from "../errors.js";
import type { Value, ValueObject } from "../values/index.js";
import { hostOptions, invalidInput, nowSeconds, stringFields, type StoreScope } from "./common.js";
import { newUsername, storedUsername } from "./jid.js";
import { RecordLocks } from "./record-lock.js";
import { saslprep } from "./saslprep.js";
import { prosodyVersionOf } from "../contracts/prosody-version.js";
import { hashOfKey, newSalt, scramKeys, secureEquals, type ScramHash } from "./scram.js";

/** The salt a missing account's password is derived against, so that verify costs the same. */
const DUMMY_SALT = "00000000-0000-4000-8000-000000000000";

/** Prosody's default for `default_iteration_count` (mod_auth_internal_hashed, 0.12). */
const DEFAULT_ITERATION_COUNT = 10000;

const STORE = "accounts";

/**
 * Accounts as Prosody's mod_auth_internal_hashed keeps them in the `accounts` store:
 * `{ stored_key, server_key, salt, iteration_count }` per user. Records of
 * mod_auth_internal_plain (`{ password }`) are read and verified too, and upgraded to hashed
 * ones on a successful verify, as mod_auth_internal_hashed does.
 *
 * Host options (Prosody's names): `default_iteration_count` (default 10000), `password_hash`
 * (`"SHA-1"`, the default, or `"SHA-256"`), `authentication` (`"internal_plain"` makes new
 * and changed passwords plain text, as that module stores them, and disables the upgrade).
 *
 * Records of Prosody 13 (same fields, plus `created`, `updated`, `disabled`) are read as well: a
 * disabled account does not verify, and `updated` is stamped where a record has it.
 *
 * User names are taken as stored (Prosody's usermanager looks accounts up by the name it is
 * given), so every name `users()` yields works with every call; only `create` checks that a new
 * name is in nodeprep form (and names that form when it is not), since a client logging in is
 * looked up by its nodeprep'd name.
 * Changes to one account are serialized within the manager (so of two concurrent `create`s of
 * one name, one gets `conflict`); another process writing the same store is not seen.
 */
export interface AccountStore {
  /**
   * Creates an account; `conflict` if it exists, `invalid-input` if the password fails SASLprep
   * or the name is not in nodeprep form (the message names that form).
   */
  create(user: string, password: string): Promise<void>;
  /** True when `password` is the user's password; false for a wrong password or a missing user. */
  verify(user: string, password: string): Promise<boolean>;
  /** Replaces the password, keeping the record's other fields; `item-not-found` for a missing user. */
  setPassword(user: string, password: string): Promise<void>;
  exists(user: string): Promise<boolean>;
  /**
   * Disables the account as Prosody 13's mod_auth_internal_hashed does: `disabled = true`, with
   * `disabled_meta` when given and `updated` stamped. Prosody 0.12 ignores the mark (its
   * accounts cannot be disabled). `item-not-found` for a missing user.
   */
  disable(user: string, meta?: Value): Promise<void>;
  /** Clears `disabled` and stamps `updated`, as Prosody 13 does. `item-not-found` for a missing user. */
  enable(user: string): Promise<void>;
  /** `true` for an enabled account, `false` for a disabled one, `undefined` when there is none. */
  enabled(user: string): Promise<boolean | undefined>;
  /** Deletes the account record only (see `StorageManager.purge` for all of a user's data). */
  delete(user: string): Promise<void>;
  users(): AsyncIterable<string>;
}

interface AccountOptions {
  iterations: number;
  hash: ScramHash;
  plain: boolean;
  /** Prosody 13 stamps accounts with `created` and `updated` (seconds) when it makes or changes them. */
  stamps: boolean;
}

function readOptions(scope: StoreScope): AccountOptions {
  const options = hostOptions(scope);
  const iterations = options.default_iteration_count ?? DEFAULT_ITERATION_COUNT;
  if (!(Number.isSafeInteger(iterations) && (iterations as number) >= 1)) {
    throw invalidInput(STORE, scope, `default_iteration_count must be a whole number >= 1, got ${String(iterations)}`);
  }
  const hash = options.password_hash ?? "SHA-1";
  if (hash !== "SHA-1" && hash !== "SHA-256") {
    throw invalidInput(STORE, scope, `password_hash must be "SHA-1" or "SHA-256", got ${JSON.stringify(hash)}`);
  }
  return { iterations: iterations as number, hash, plain: options.authentication === "internal_plain", stamps: prosodyVersionOf(options) === "13" };
}

function checkPassword(scope: StoreScope, password: unknown): string {
  if (typeof password !== "string") throw invalidInput(STORE, scope, "the password must be a string");
  const prepped = saslprep(password);
  if (prepped === undefined) throw invalidInput(STORE, scope, "the password fails SASLprep (RFC 4013)");
  return prepped;
}

export function accountStore(scope: StoreScope): AccountStore {
  const options = readOptions(scope);
  const store = () => scope.sm.open(scope.host, STORE);
  const load = async (user: string) => stringFields(await (await store()).get(user));
  const locks = new RecordLocks();

  /** The record's fields with a new password, as mod_auth_internal_{hashed,plain} write them. */
  async function withPassword(record: ValueObject, prepped: string): Promise<ValueObject> {
    const next: ValueObject = { ...record };
    // Prosody 13 stamps `updated` on its records; keep that up to date where it is kept.
    if (options.stamps || typeof record.updated === "number") next.updated = nowSeconds();
    if (options.plain) {
      for (const field of ["stored_key", "server_key", "salt", "iteration_count"]) delete next[field];
      next.password = prepped;
      return next;
    }
    const previous = typeof record.iteration_count === "number" ? record.iteration_count : 0;
    const iterations = Math.max(previous, options.iterations);
    const salt = newSalt();
    const keys = await scramKeys(options.hash, prepped, salt, iterations);
    delete next.password;
    Object.assign(next, { salt, iteration_count: iterations, stored_key: keys.storedKey, server_key: keys.serverKey });
    return next;
  }

  /** Replaces a verified plain password by a hashed one, unless it changed meanwhile. */
  async function upgrade(name: string, plain: string, prepped: string): Promise<void> {
    await locks.run(name, async () => {
      const current = await load(name);
      if (current?.password === plain) await (await store()).set(name, await withPassword(current, prepped));
    });
  }

  async function verifyHashed(record: ValueObject, prepped: string): Promise<boolean> {
    const { salt, iteration_count: iterations, stored_key: storedKey, server_key: serverKey } = record;
    // ejabberd's salts are random bytes: a Lua byte string (Uint8Array) is a salt like any other.
    if (!((typeof salt === "string" || salt instanceof Uint8Array) && salt.length > 0) || typeof iterations !== "number") return false;
    if (!Number.isSafeInteger(iterations) || iterations < 1) return false;
    if (typeof storedKey !== "string" || typeof serverKey !== "string") return false;
    // The key length tells SHA-1 from SHA-256 records, so a host that changed password_hash
    // still verifies accounts made before the change.
    const hash = hashOfKey(storedKey) ?? options.hash;
    const keys = await scramKeys(hash, prepped, salt, iterations);
    const storedOk = secureEquals(keys.storedKey, storedKey.toLowerCase());
    const serverOk = secureEquals(keys.serverKey, serverKey.toLowerCase());
    return storedOk && serverOk;
  }

  /** Changes an existing record's fields and stamps `updated`, as Prosody 13's enable/disable do. */
  async function changeRecord(user: string, change: (record: ValueObject) => void): Promise<void> {
    const name = storedUsername(user);
    await locks.run(name, async () => {
      const record = await load(name);
      if (record === undefined) throw storageError("item-not-found", `no account ${name}`, { backend: STORE, object: scope.host });
      change(record);
      record.updated = nowSeconds();
      await (await store()).set(name, record);
    });
  }

  return {
    async create(user, password) {
      const name = newUsername(user);
      const prepped = checkPassword(scope, password);
      const record = await withPassword({}, prepped);
      if (options.stamps) record.created = record.updated!; // one os.time() for both, as 13's create_user
      await locks.run(name, async () => {
        const kv = await store();
        if ((await kv.get(name)) !== undefined) {
          throw storageError("conflict", `account ${name} already exists`, { backend: STORE, object: scope.host });
        }
        await kv.set(name, record);
      });
    },

    async verify(user, password) {
      const name = storedUsername(user);
      if (typeof password !== "string") throw invalidInput(STORE, scope, "the password must be a string");
      const record = await load(name);
      const prepped = saslprep(password);
      if (record === undefined) {
        // The same key derivation as for an account, so time does not tell whether it exists.
        await scramKeys(options.hash, prepped ?? password, DUMMY_SALT, options.iterations);
        return false;
      }
      // Prosody 13 disables accounts with `disabled = true`; such an account cannot log in.
      if (prepped === undefined || record.disabled === true) return false;
      const plain = record.password;
      if (typeof plain === "string" && plain !== "") {
        const storedPrepped = saslprep(plain);
        if (storedPrepped === undefined || !secureEquals(storedPrepped, prepped)) return false;
        if (!options.plain) await upgrade(name, plain, prepped);
        return true;
      }
      return verifyHashed(record, prepped);
    },

    async setPassword(user, password) {
      const name = storedUsername(user);
      const prepped = checkPassword(scope, password);
      await locks.run(name, async () => {
        const record = await load(name);
        if (record === undefined) {
          throw storageError("item-not-found", `no account ${name}`, { backend: STORE, object: scope.host });
        }
        await (await store()).set(name, await withPassword(record, prepped));
      });
    },

    async disable(user, meta) {
      await changeRecord(user, (record) => {
        record.disabled = true;
        if (meta !== undefined) record.disabled_meta = meta;
      });
    },

    async enable(user) {
      await changeRecord(user, (record) => {
        delete record.disabled;
      });
    },

    async enabled(user) {
      const record = await load(storedUsername(user));
      return record === undefined ? undefined : record.disabled !== true;
    },

    async exists(user) {
      return (await (await store()).get(storedUsername(user))) !== undefined;
    },

    async delete(user) {
      await (await store()).set(storedUsername(user), undefined);
    },

    async *users() {
      yield* (await store()).users();
    },
  };
}
