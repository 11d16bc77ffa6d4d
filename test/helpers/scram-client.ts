/**
 * The client side of SCRAM (RFC 5802 / RFC 7677) as a `saslmechanisms` mechanism for
 * @xmpp/client, for SCRAM-SHA-1 and SCRAM-SHA-256. @xmpp/sasl base64-encodes responses with
 * `btoa` and decodes challenges with `atob`, so messages cross as binary strings (one char per
 * byte); this mechanism encodes names and passwords as UTF-8 bytes throughout, where the stock
 * SCRAM-SHA-1 module sends a non-ASCII username in Latin-1 and cannot log such users in.
 * (@xmpp/sasl ignores the data of `<success/>`, so the server's signature is not checked.)
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";

type Hash = "sha1" | "sha256";

const toBinary = (text: string) => Buffer.from(text, "utf8").toString("latin1");
const fromBinary = (binary: string) => Buffer.from(binary, "latin1");
/** RFC 5802's saslname: "," and "=" escaped. */
const saslname = (name: string) => name.replace(/=/g, "=3D").replace(/,/g, "=2C");

export interface ScramCredentials {
  username: string;
  password: string;
}

/** A client mechanism as saslmechanisms' Factory makes them (`new Mechanism()`). */
export interface SaslClientMechanism {
  readonly name: string;
  readonly clientFirst: boolean;
  response(credentials: ScramCredentials): string;
  challenge(text: string): SaslClientMechanism;
}

/** The mechanism class for Factory#use. */
export function scramMechanism(name: "SCRAM-SHA-1" | "SCRAM-SHA-256"): new () => SaslClientMechanism {
  const hash: Hash = name === "SCRAM-SHA-1" ? "sha1" : "sha256";
  const keyLength = hash === "sha1" ? 20 : 32;
  const hmac = (key: Buffer, text: Buffer | string) => createHmac(hash, key).update(text).digest();

  return class ScramMechanism implements SaslClientMechanism {
    readonly name = name;
    readonly clientFirst = true;
    #stage: "first" | "final" | "done" = "first";
    #clientFirstBare = "";
    #nonce = randomBytes(18).toString("base64");
    #challenge = "";

    response(credentials: ScramCredentials): string {
      if (this.#stage === "first") {
        this.#stage = "final";
        this.#clientFirstBare = `n=${toBinary(saslname(credentials.username))},r=${this.#nonce}`;
        return `n,,${this.#clientFirstBare}`;
      }
      if (this.#stage !== "final") throw new Error(`${name}: unexpected response request`);
      this.#stage = "done";
      const fields = new Map(this.#challenge.split(",").map((field) => [field.slice(0, 1), field.slice(2)]));
      const nonce = fields.get("r") ?? "";
      if (!nonce.startsWith(this.#nonce)) throw new Error(`${name}: the server's nonce does not extend ours`);
      const salt = Buffer.from(fields.get("s") ?? "", "base64");
      const iterations = Number(fields.get("i"));
      const salted = pbkdf2Sync(Buffer.from(credentials.password, "utf8"), salt, iterations, keyLength, hash);
      const clientKey = hmac(salted, "Client Key");
      const storedKey = createHash(hash).update(clientKey).digest();
      const finalBare = `c=biws,r=${nonce}`;
      const authMessage = fromBinary(`${this.#clientFirstBare},${this.#challenge},${finalBare}`);
      const signature = hmac(storedKey, authMessage);
      const proof = Buffer.from(clientKey.map((byte, i) => byte ^ signature[i]!));
      return `${finalBare},p=${proof.toString("base64")}`;
    }

    challenge(text: string): this {
      this.#challenge = text;
      return this;
    }
  };
}
