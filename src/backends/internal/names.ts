import { storageError } from "../../errors.js";
import { stringFromBytes } from "../../values/index.js";

/**
 * Prosody's file-name encoding (util.datamanager): every UTF-8 byte that is not an ASCII letter or
 * digit becomes `%xx` in lowercase hex. Store names keep `_` as well, because store names were
 * historically written unencoded and all known ones use only letters and `_`.
 */

/**
 * The longest encoded name accepted, in bytes. File names may have 255 bytes; the longest suffix
 * this backend puts after an encoded name is `.list~` / `.lidx~` (the scratch file of a rewrite),
 * so a name must leave room for six more bytes in every place it can appear.
 */
export const MAX_ENCODED_NAME_BYTES = 255 - ".list~".length;

function isAlnum(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a);
}

const UNDERSCORE = 0x5f;

function encodeBytes(name: string, keep: (byte: number) => boolean): string {
  let out = "";
  for (const byte of Buffer.from(name, "utf8")) {
    out += keep(byte) ? String.fromCharCode(byte) : `%${byte.toString(16).padStart(2, "0")}`;
  }
  return out;
}

/** Host and user names: `example.com` → `example%2ecom`. */
export function encodeName(name: string): string {
  return encodeBytes(name, isAlnum);
}

/** Store names: like {@link encodeName} but `_` is kept (`pep_urn%3axmpp`). */
export function encodeStoreName(name: string): string {
  return encodeBytes(name, (byte) => isAlnum(byte) || byte === UNDERSCORE);
}

const HEX = /^[0-9a-fA-F]{2}$/;

/**
 * Decodes a name found on disk: `%XX` in either case becomes that byte, anything else stays.
 * Returns `undefined` when the bytes are not UTF-8 text, which no name given through the API
 * can produce, so such a file cannot belong to any user we could address.
 */
export function decodeName(encoded: string): string | undefined {
  const raw = Buffer.from(encoded, "utf8");
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const pair = raw.subarray(i + 1, i + 3).toString("latin1");
    if (raw[i] === 0x25 && HEX.test(pair)) {
      bytes.push(parseInt(pair, 16));
      i += 2;
    } else {
      bytes.push(raw[i]);
    }
  }
  const text = stringFromBytes(Uint8Array.from(bytes));
  return typeof text === "string" ? text : undefined;
}

/**
 * Encodes a name and checks that the result fits in a file name, so an over-long name is
 * refused with `invalid-input` before anything is written (never truncated, which could alias).
 */
export function encodeChecked(name: string, what: "host" | "user" | "store"): string {
  const encoded = what === "store" ? encodeStoreName(name) : encodeName(name);
  if (encoded.length > MAX_ENCODED_NAME_BYTES) {
    throw storageError("invalid-input", `${what} name is too long for a file name once encoded (${encoded.length} bytes, at most ${MAX_ENCODED_NAME_BYTES}): ${JSON.stringify(name.slice(0, 40))}…`, { backend: "internal" });
  }
  return encoded;
}
