import { randomFillSync } from "node:crypto";

const ID_BYTES = 18;
const BATCH = 256;

/**
 * Archive ids like Prosody 0.12's `util.id.medium()` (18 random bytes, base64url: 24
 * characters), drawn from a buffer refilled 256 ids at a time, since asking the system for
 * randomness costs more than the rest of making an id.
 */
export class IdSource {
  readonly #pool = Buffer.alloc(ID_BYTES * BATCH);
  #next = BATCH;

  next(): string {
    if (this.#next === BATCH) {
      randomFillSync(this.#pool);
      this.#next = 0;
    }
    const at = this.#next++ * ID_BYTES;
    return this.#pool.toString("base64url", at, at + ID_BYTES);
  }
}
