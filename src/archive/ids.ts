import { randomBytes, randomUUID } from "node:crypto";

/** An id like Prosody's `util.id.medium()`: 18 random bytes, base64url, 24 characters. */
export function mediumId(): string {
  return randomBytes(18).toString("base64url");
}

/** A random UUID, as Prosody's SQL backend makes archive ids. */
export function uuidId(): string {
  return randomUUID();
}
