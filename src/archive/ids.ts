import { randomBytes, randomUUID } from "node:crypto";

/** An id like Prosody's `util.id.medium()`: 18 random bytes, base64url, 24 characters. */
export function mediumId(): string {
  return randomBytes(18).toString("base64url");
}

/** A random UUID, as Prosody 0.12's SQL backend makes archive ids. */
export function uuidId(): string {
  return randomUUID();
}

/**
 * An archive id as Prosody 13 makes them (`util.uuid.v7`, for internal and SQL archives alike):
 * the time of writing as 36 bits of seconds and 24 bits of fraction, version 7, the RFC 4122
 * variant and 62 random bits; ids made later sort after earlier ones.
 */
export function uuidV7Id(now = Date.now() / 1000): string {
  const seconds = Math.floor(now);
  const fraction = now - seconds;
  const hex = (value: number, digits: number) => value.toString(16).padStart(digits, "0");
  const random = randomBytes(9);
  const variant = (8 | (random[8]! & 3)).toString(16);
  const rest = random.toString("hex", 0, 8);
  return (
    `${hex(Math.floor(seconds / 16), 8)}-${hex(seconds % 16, 1)}${hex(Math.floor(fraction * 0x1000), 3)}` +
    `-7${hex(Math.floor(fraction * 0x1000000) % 0x1000, 3)}-${variant}${rest.slice(0, 3)}-${rest.slice(3, 15)}`
  );
}

/** True for ids of Prosody 13's form. */
export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
