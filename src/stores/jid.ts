import { StorageError, storageError } from "../errors.js";

/**
 * JID checks shared by the typed stores. They accept what Prosody's `jid.prep` accepts for the
 * common cases and return the form Prosody keys its data by: localpart and domain lowercased
 * and NFKC-normalised (an approximation of nodeprep/nameprep that is exact for ASCII), the
 * resource NFKC-normalised. Anything else is rejected with `invalid-input`.
 */

/** RFC 7622: each part is at most 1023 bytes of UTF-8. */
const MAX_PART_BYTES = 1023;
/** Characters nodeprep prohibits in a localpart (RFC 3920 Appendix A.5), besides spaces and controls. */
const LOCALPART_PROHIBITED = /["&'/:<>@]/u;
const CONTROL_OR_SPACE = /[\p{Cc}\p{Zs}\p{Zl}\p{Zp}\uFFF9-\uFFFD]/u;
const CONTROL = /[\p{Cc}\p{Zl}\p{Zp}\uFFF9-\uFFFD]/u;
const DOMAIN_LABEL = /^[\p{L}\p{N}\p{M}_](?:[\p{L}\p{N}\p{M}_-]*[\p{L}\p{N}\p{M}_])?$/u;
const IPV6_LITERAL = /^\[[0-9a-f:.]+\]$/;

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

function checkPart(part: string, what: string, jid: string, label: string): void {
  if (part === "") throw notValid(what, jid, `empty ${label}`);
  if (Buffer.byteLength(part) > MAX_PART_BYTES) throw notValid(what, jid, `${label} longer than ${MAX_PART_BYTES} bytes`);
}

function prepLocal(local: string, what: string, jid: string): string {
  const prepped = local.normalize("NFKC").toLowerCase();
  checkPart(prepped, what, jid, "localpart");
  if (LOCALPART_PROHIBITED.test(prepped) || CONTROL_OR_SPACE.test(prepped)) {
    throw notValid(what, jid, "the localpart contains a character that is not allowed");
  }
  return prepped;
}

function prepDomain(domain: string, what: string, jid: string): string {
  // A trailing dot names the same domain (RFC 7622 3.2), and Prosody strips it.
  const prepped = domain.normalize("NFKC").toLowerCase().replace(/\.$/, "");
  checkPart(prepped, what, jid, "domain");
  if (IPV6_LITERAL.test(prepped)) return prepped;
  for (const label of prepped.split(".")) {
    if (!DOMAIN_LABEL.test(label) || Buffer.byteLength(label) > 63) throw notValid(what, jid, `bad domain label ${JSON.stringify(label)}`);
  }
  return prepped;
}

function prepResource(resource: string, what: string, jid: string): string {
  const prepped = resource.normalize("NFKC");
  checkPart(prepped, what, jid, "resource");
  if (CONTROL.test(prepped)) throw notValid(what, jid, "the resource contains a control character");
  return prepped;
}

/** Splits and normalises any JID (`domain`, `local@domain`, `.../resource`). */
export function parseJid(jid: unknown, what = "JID"): JidParts {
  if (typeof jid !== "string") throw notValid(what, jid, "not a string");
  if (!jid.isWellFormed()) throw notValid(what, jid, "not well-formed Unicode");
  const slash = jid.indexOf("/");
  const bare = slash === -1 ? jid : jid.slice(0, slash);
  const at = bare.indexOf("@");
  const parts: JidParts = {
    domain: prepDomain(at === -1 ? bare : bare.slice(at + 1), what, jid),
  };
  if (at !== -1) parts.local = prepLocal(bare.slice(0, at), what, jid);
  if (slash !== -1) parts.resource = prepResource(jid.slice(slash + 1), what, jid);
  return parts;
}

function formatJid({ local, domain, resource }: JidParts): string {
  return `${local !== undefined ? `${local}@` : ""}${domain}${resource !== undefined ? `/${resource}` : ""}`;
}

/** A normalised JID of any form. */
export function prepJid(jid: unknown, what = "JID"): string {
  return formatJid(parseJid(jid, what));
}

/** A normalised JID without resource (a domain alone is allowed: servers can be contacts). */
export function prepBareJid(jid: unknown, what = "JID"): string {
  const parts = parseJid(jid, what);
  if (parts.resource !== undefined) throw notValid(what, jid, "a bare JID (without /resource) is needed");
  return formatJid(parts);
}

/** A normalised `local@domain` JID, as a room or an account address must be. */
export function prepAddressJid(jid: unknown, what = "JID"): JidParts & { local: string } {
  const parts = parseJid(jid, what);
  if (parts.local === undefined || parts.resource !== undefined) throw notValid(what, jid, "must be local@domain");
  return parts as JidParts & { local: string };
}

/** A normalised account name (a JID localpart): how Prosody keys per-user data. */
export function prepUsername(user: unknown, what = "user"): string {
  if (typeof user !== "string") throw notValid(what, user, "not a string");
  if (!user.isWellFormed()) throw notValid(what, user, "not well-formed Unicode");
  return prepLocal(user, what, user);
}
