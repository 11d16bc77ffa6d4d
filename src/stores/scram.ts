import { createHash, createHmac, pbkdf2, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";

/**
 * SCRAM credentials as mod_auth_internal_hashed keeps them (RFC 5802 / RFC 7677): the salt is a
 * UUID string whose characters are used as the raw salt bytes, and the keys are lowercase hex.
 */

const pbkdf2Async = promisify(pbkdf2);

/** Prosody's `password_hash` values. */
export type ScramHash = "SHA-1" | "SHA-256";

const NODE_DIGEST: Record<ScramHash, { digest: string; bytes: number }> = {
  "SHA-1": { digest: "sha1", bytes: 20 },
  "SHA-256": { digest: "sha256", bytes: 32 },
};

export interface ScramKeys {
  /** H(HMAC(SaltedPassword, "Client Key")), lowercase hex. */
  storedKey: string;
  /** HMAC(SaltedPassword, "Server Key"), lowercase hex. */
  serverKey: string;
}

/** Derives the stored and server keys from an already SASLprep'd password. */
export async function scramKeys(hash: ScramHash, preppedPassword: string, salt: string | Uint8Array, iterations: number): Promise<ScramKeys> {
  const { digest, bytes } = NODE_DIGEST[hash];
  // A salt that is not UTF-8 text (ejabberd's are random bytes) is a Lua byte string: its bytes are the salt.
  const saltBytes = typeof salt === "string" ? Buffer.from(salt, "utf8") : Buffer.from(salt);
  const salted = await pbkdf2Async(Buffer.from(preppedPassword, "utf8"), saltBytes, iterations, bytes, digest);
  const clientKey = createHmac(digest, salted).update("Client Key").digest();
  return {
    storedKey: createHash(digest).update(clientKey).digest("hex"),
    serverKey: createHmac(digest, salted).update("Server Key").digest("hex"),
  };
}

/** Which hash made a stored key, told by its length; `undefined` if it is not hex of a known size. */
export function hashOfKey(hexKey: string): ScramHash | undefined {
  if (!/^[0-9a-fA-F]*$/.test(hexKey)) return undefined;
  if (hexKey.length === 40) return "SHA-1";
  if (hexKey.length === 64) return "SHA-256";
  return undefined;
}

/** A new salt, made as Prosody makes one: a random (version 4) UUID string. */
export function newSalt(): string {
  return randomUUID();
}

const compareKey = randomBytes(32);

/**
 * Compares two strings in time that does not depend on where they differ. Both are first
 * MACed under a per-process random key, so inputs of different lengths compare safely too.
 */
export function secureEquals(a: string, b: string): boolean {
  const macA = createHmac("sha256", compareKey).update(a, "utf8").digest();
  const macB = createHmac("sha256", compareKey).update(b, "utf8").digest();
  return timingSafeEqual(macA, macB);
}
