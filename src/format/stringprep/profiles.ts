import { CodePointSet } from "./code-points.js";
import { prepare, type PrepareOptions, type Profile } from "./prepare.js";
import { C_1_1, C_1_2, C_2_1, C_2_2, C_3, C_4, C_5, C_6, C_7, C_8, C_9 } from "./rfc3454-tables.js";

/**
 * The four stringprep profiles Prosody uses, each a function returning the prepared string or
 * `undefined` where Prosody's `util.encodings.stringprep.*` returns nil. Checked against Prosody
 * itself, code point by code point, in test/format/stringprep.test.ts.
 */

/** C.3-C.9: prohibited by every profile here. */
const COMMON = [C_3, C_4, C_5, C_6, C_7, C_8, C_9];

/** RFC 3920 appendix A.5: the characters a JID localpart may not contain besides C.* ones. */
const NODE_EXTRA = ["22", "26-27", "2F", "3A", "3C", "3E", "40"].join(",");

const NAMEPREP: Profile = { caseFold: true, prohibited: new CodePointSet(C_1_2, C_2_2, ...COMMON) };
const NODEPREP: Profile = {
  caseFold: true,
  prohibited: new CodePointSet(C_1_1, C_1_2, C_2_1, C_2_2, ...COMMON, NODE_EXTRA),
};
const RESOURCEPREP: Profile = { caseFold: false, prohibited: new CodePointSet(C_1_2, C_2_1, C_2_2, ...COMMON) };
const SASLPREP: Profile = {
  caseFold: false,
  spacesToSpace: true,
  prohibited: new CodePointSet(C_1_2, C_2_1, C_2_2, ...COMMON),
};

/** Nameprep (RFC 3491): a domain name, or a JID's domainpart. */
export function nameprep(input: string, options?: PrepareOptions): string | undefined {
  return prepare(input, NAMEPREP, options);
}

/** Nodeprep (RFC 3920 appendix A): a JID localpart, i.e. an account or room name. */
export function nodeprep(input: string, options?: PrepareOptions): string | undefined {
  return prepare(input, NODEPREP, options);
}

/** Resourceprep (RFC 3920 appendix B): a JID resource. */
export function resourceprep(input: string, options?: PrepareOptions): string | undefined {
  return prepare(input, RESOURCEPREP, options);
}

/** SASLprep (RFC 4013): user names and passwords in SASL, applied before hashing a password. */
export function saslprep(input: string, options?: PrepareOptions): string | undefined {
  return prepare(input, SASLPREP, options);
}
