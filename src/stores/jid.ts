import { storageError, type StorageError } from "../errors.js";
import { nameprep, nodeprep, resourceprep } from "../format/stringprep/index.js";

/**
 * JID checks shared by the typed stores, exactly as Prosody's `jid.prep` (util/jid.lua) does
 * them: split at the first "@" and the following "/", strip one trailing dot from the domain,
 * then nameprep, nodeprep and resourceprep (src/format/stringprep). What Prosody's prep
 * refuses is rejected with `invalid-input`; what it accepts comes back in the form Prosody keys
 * its data by.
 */

export interface JidParts {
  local?: string;
  domain: string;
  resource?: string;
}

/** `invalid-input` for a JID (or user name) `what` that breaks a rule. */
function notValid(what: string, jid: unknown, reason: string): StorageError {
  const shown = typeof jid === "string" ? JSON.stringify(jid) : String(jid);
  return storageError("invalid-input", `${what} ${shown} is not valid: ${reason}`);
}

/** Prosody's split: "local@" (no "/" before the "@"), a domain, and "/resource" to the end. */
function split(jid: string, what: string): { local?: string; domain: string; resource?: string } {
  const match = /^(?:([^@/]+)@)?([^@/]+)(?:\/(.+))?$/su.exec(jid);
  if (match === null) throw notValid(what, jid, "not of the form [localpart@]domain[/resource] with non-empty parts");
  return { local: match[1], domain: match[2]!, resource: match[3] };
}

function prepPart(prep: (s: string) => string | undefined, part: string, label: string, what: string, jid: string): string {
  const prepped = prep(part);
  if (prepped === undefined) throw notValid(what, jid, `the ${label} is refused by ${prep.name} (RFC 3454/3920 as Prosody applies it)`);
  return prepped;
}

/** Splits and prepares any JID (`domain`, `local@domain`, `.../resource`). */
export function parseJid(jid: unknown, what = "JID"): JidParts {
  if (typeof jid !== "string") throw notValid(what, jid, "not a string");
  if (!jid.isWellFormed()) throw notValid(what, jid, "not well-formed Unicode");
  const { local, domain, resource } = split(jid, what);
  if (domain === ".") throw notValid(what, jid, "the domain is only a dot");
  // A trailing dot names the same domain (the empty root label); Prosody strips it.
  const parts: JidParts = { domain: prepPart(nameprep, domain.replace(/\.$/, ""), "domain", what, jid) };
  if (local !== undefined) parts.local = prepPart(nodeprep, local, "localpart", what, jid);
  if (resource !== undefined) parts.resource = prepPart(resourceprep, resource, "resource", what, jid);
  return parts;
}

function formatJid({ local, domain, resource }: JidParts): string {
  return `${local !== undefined ? `${local}@` : ""}${domain}${resource !== undefined ? `/${resource}` : ""}`;
}

/** A prepared JID of any form. */
export function prepJid(jid: unknown, what = "JID"): string {
  return formatJid(parseJid(jid, what));
}

/** A prepared JID without resource (a domain alone is allowed: servers can be contacts). */
export function prepBareJid(jid: unknown, what = "JID"): string {
  const parts = parseJid(jid, what);
  if (parts.resource !== undefined) throw notValid(what, jid, "a bare JID (without /resource) is needed");
  return formatJid(parts);
}

/** A prepared `local@domain` JID, as a room or an account address must be. */
export function prepAddressJid(jid: unknown, what = "JID"): JidParts & { local: string } {
  const parts = parseJid(jid, what);
  if (parts.local === undefined || parts.resource !== undefined) throw notValid(what, jid, "must be local@domain");
  return parts as JidParts & { local: string };
}

/**
 * An account name as stored, taken as it is: Prosody looks accounts and per-user data up by the
 * name it was given (its callers have nodeprep'd it), so a name `users()` yields, even one that
 * nodeprep would change (`UPPER`, `john doe`), addresses exactly its own data.
 */
export function storedUsername(user: unknown, what = "user"): string {
  if (typeof user !== "string") throw notValid(what, user, "not a string");
  if (!user.isWellFormed()) throw notValid(what, user, "not well-formed Unicode");
  if (user === "") throw notValid(what, user, "empty");
  return user;
}

/** A new account name: it must be nodeprep-normal, or the error names the prepared form. */
export function newUsername(user: unknown, what = "user"): string {
  const name = storedUsername(user, what);
  const prepped = prepPart(nodeprep, name, "localpart", what, name);
  if (prepped !== name) throw notValid(what, name, `not in nodeprep form; Prosody would look it up as ${JSON.stringify(prepped)}`);
  return name;
}
