import { ConfigError } from "../config/errors.js";
import { storageError } from "../errors.js";
import type { DataSource } from "./data-source.js";
import type { AccountStore } from "../stores/accounts.js";
import { stores } from "../stores/index.js";
import { prepAddressJid } from "../stores/jid.js";
import { userData, type UserStoreData } from "./user-data.js";

/** An account named on the command line: `user@host`, normalised as Prosody's nodeprep/nameprep do. */
export interface AccountName {
  user: string;
  host: string;
}

/** Authentication modules that keep their accounts in the `accounts` store. */
const STORED_AUTH = new Set(["internal_hashed", "internal_plain"]);

/** Checks that `host` is the source's and keeps accounts in storage; returns its account store. */
export function accountsOf(source: DataSource, host: string): AccountStore {
  if (source.hosts.length > 0 && !source.hosts.includes(host)) {
    throw new ConfigError(`${source.label}: no VirtualHost "${host}" in the configuration (it has ${source.hosts.join(", ")})`);
  }
  const auth = source.manager.config.forHost(host).authentication;
  if (auth !== undefined && !STORED_AUTH.has(String(auth))) {
    throw new ConfigError(`${host} uses authentication = ${JSON.stringify(auth)}: its accounts are not kept in storage`);
  }
  return stores(source.manager).accounts(host);
}

/** Parses `user@host`; a malformed JID is a usage problem. */
export function accountName(jid: string): AccountName {
  try {
    const parts = prepAddressJid(jid, "account");
    return { user: parts.local, host: parts.domain };
  } catch (error) {
    throw new ConfigError((error as Error).message, { cause: error });
  }
}

export interface AccountListing {
  user: string;
  /** `false` for an account Prosody 13 has disabled. */
  enabled: boolean;
}

/** The accounts of `host`, sorted by name. */
export async function listAccounts(source: DataSource, host: string): Promise<AccountListing[]> {
  const accounts = accountsOf(source, host);
  const out: AccountListing[] = [];
  for await (const user of accounts.users()) out.push({ user, enabled: (await accounts.enabled(user)) !== false });
  return out.sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
}

async function existing(accounts: AccountStore, name: AccountName): Promise<void> {
  if (!(await accounts.exists(name.user))) throw storageError("item-not-found", `no account ${name.user}@${name.host}`);
}

export async function addAccount(source: DataSource, name: AccountName, password: string): Promise<void> {
  await accountsOf(source, name.host).create(name.user, password);
}

export async function changePassword(source: DataSource, name: AccountName, password: string): Promise<void> {
  const accounts = accountsOf(source, name.host);
  await existing(accounts, name);
  await accounts.setPassword(name.user, password);
}

/** Disables or enables an account; returns whether it was enabled before. */
export async function setAccountEnabled(source: DataSource, name: AccountName, enabled: boolean): Promise<boolean> {
  const accounts = accountsOf(source, name.host);
  const before = await accounts.enabled(name.user);
  if (before === undefined) throw storageError("item-not-found", `no account ${name.user}@${name.host}`);
  if (enabled) await accounts.enable(name.user);
  else await accounts.disable(name.user);
  return before;
}

export interface DeleteReport {
  jid: string;
  /** Whether there was an account record (data without an account is removed too). */
  account: boolean;
  /** What was removed, store by store. */
  removed: UserStoreData[];
}

/**
 * Deletes an account and all of the user's data on its host, from every backend the host uses
 * (as prosodyctl deluser does, with each mod_storage_*'s purge), then looks again and fails
 * with `backend-failure` naming what is left, if anything is.
 */
export async function deleteUser(source: DataSource, name: AccountName): Promise<DeleteReport> {
  const accounts = accountsOf(source, name.host);
  const jid = `${name.user}@${name.host}`;
  const account = await accounts.exists(name.user);
  const removed = await userData(source, name.host, name.user);
  if (!account && removed.length === 0) throw storageError("item-not-found", `no account ${jid} and no data stored for it`);
  await accounts.delete(name.user);
  await source.manager.purge(name.user, name.host);
  const left = await userData(source, name.host, name.user);
  if (left.length > 0) {
    const what = left.map((s) => `${s.store} (${s.type}, ${s.backend}): ${s.items}`).join(", ");
    throw storageError("backend-failure", `${jid}: data is left after deleting: ${what}`);
  }
  return { jid, account, removed };
}
