import { Element } from "ltx";
import { stringFromBytes, type Value, type ValueObject } from "../../values/index.js";
import { NS, extendedAttrs, fieldsOf, isNumericText, readExtended, scalarText, type CodecContext, type KeyValCodec, type UserPart } from "./codec.js";
import { childText, childrenOf } from "./xml.js";

/**
 * Accounts (mod_auth_internal_hashed / _plain records) as `<user password=…>` and
 * `<scram-credentials xmlns='urn:xmpp:pie:0#scram' mechanism='SCRAM-SHA-1'>` with the keys and the
 * salt in base64; other record fields (Prosody 13's `created`, `updated`, `disabled`, …) as
 * Prosody's extended attributes.
 *
 * ejabberd keeps its SCRAM keys and salt base64-encoded and encodes them once more on export,
 * and decodes only once on import. Reading detects that double encoding from the key length;
 * the `ejabberd` flavor writes it, so that ejabberd ends up with what it expects.
 */

const SCRAM_FIELDS = ["stored_key", "server_key", "salt", "iteration_count"];
/** Raw key sizes of SHA-1, SHA-256 and SHA-512. */
const KEY_SIZES: Record<number, string> = { 20: "SCRAM-SHA-1", 32: "SCRAM-SHA-256", 64: "SCRAM-SHA-512" };
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function fromBase64(text: string): Buffer | undefined {
  const clean = text.replace(/\s+/g, "");
  return BASE64.test(clean) && clean.length % 4 === 0 ? Buffer.from(clean, "base64") : undefined;
}

/** How many times the stored key was base64-encoded: 1 (XEP-0227), 2 (ejabberd), or undefined. */
function encodingDepth(storedKey: string): 1 | 2 | undefined {
  const once = fromBase64(storedKey);
  if (!once) return undefined;
  const twice = fromBase64(once.toString("latin1"));
  // Raw keys are 20/32/64 bytes; a once-decoded ejabberd key is their base64 text (28/44/88 chars).
  if (twice && KEY_SIZES[twice.length] && !KEY_SIZES[once.length]) return 2;
  return KEY_SIZES[once.length] ? 1 : undefined;
}

function decodeTimes(text: string, depth: 1 | 2): Buffer | undefined {
  const once = fromBase64(text);
  return depth === 1 || !once ? once : fromBase64(once.toString("latin1"));
}

function scramRecord(element: Element): ValueObject | undefined {
  const [stored, server, salt, iter] = ["stored-key", "server-key", "salt", "iter-count"].map((n) => childText(element, n)?.trim());
  if (!stored || !server || salt === undefined || !iter || !/^\d+$/.test(iter)) return undefined;
  const depth = encodingDepth(stored);
  if (!depth) return undefined;
  const [storedKey, serverKey, saltBytes] = [stored, server, salt].map((t) => decodeTimes(t, depth));
  if (!storedKey || !serverKey || !saltBytes) return undefined;
  return {
    stored_key: storedKey.toString("hex"),
    server_key: serverKey.toString("hex"),
    salt: stringFromBytes(saltBytes),
    iteration_count: Number(iter),
  };
}

/** ejabberd's old `password="scram:STORED,SERVER,SALT,ITER"` (its internal base64, once). */
function oldEjabberdScram(password: string): ValueObject | undefined {
  const parts = password.slice("scram:".length).split(",");
  const [stored, server, salt, iter] = parts.length === 5 ? parts.slice(1) : parts;
  const keys = [stored, server, salt].map((t) => (t === undefined ? undefined : fromBase64(t)));
  if (keys.some((k) => !k) || !/^\d+$/.test(iter ?? "")) return undefined;
  return { stored_key: keys[0]!.toString("hex"), server_key: keys[1]!.toString("hex"), salt: stringFromBytes(keys[2]!), iteration_count: Number(iter) };
}

/** Extended attribute text back to the types Prosody's records use. */
function typedField(name: string, text: string): Value {
  if ((name === "created" || name === "updated") && isNumericText(text)) return Number(text);
  if (name === "disabled" && (text === "true" || text === "false")) return text === "true";
  return text;
}

function base64Times(bytes: Buffer, times: 1 | 2): string {
  const once = bytes.toString("base64");
  return times === 1 ? once : Buffer.from(once, "latin1").toString("base64");
}

function scramElement(fields: ValueObject, ctx: CodecContext): Element | undefined {
  const { stored_key: stored, server_key: server, salt, iteration_count: iter } = fields;
  if (typeof stored !== "string" || typeof server !== "string" || !/^([0-9a-f]{2})+$/i.test(stored) || !/^([0-9a-f]{2})+$/i.test(server)) return undefined;
  if (!(typeof salt === "string" || salt instanceof Uint8Array) || typeof iter !== "number" || !Number.isSafeInteger(iter)) return undefined;
  const mechanism = KEY_SIZES[stored.length / 2];
  if (!mechanism) return undefined;
  const times = ctx.flavor === "ejabberd" ? 2 : 1;
  const saltBytes = typeof salt === "string" ? Buffer.from(salt, "utf8") : Buffer.from(salt);
  const element = new Element("scram-credentials", { xmlns: NS.scram, mechanism });
  element.c("iter-count").t(String(iter));
  element.c("salt").t(base64Times(saltBytes, times));
  element.c("server-key").t(base64Times(Buffer.from(server, "hex"), times));
  element.c("stored-key").t(base64Times(Buffer.from(stored, "hex"), times));
  return element;
}

export const accountsCodec: KeyValCodec = {
  store: "accounts",
  decode(user, ctx) {
    const all = childrenOf(user, "scram-credentials", NS.scram);
    const preferred = all.find((el) => el.attrs.mechanism === `SCRAM-${ctx.passwordHash}`) ?? all[0];
    const record: ValueObject = {};
    for (const [name, text] of readExtended(user)) record[name] = typedField(name, text);
    const password = user.attrs.password;
    if (typeof password === "string" && password.startsWith("scram:")) Object.assign(record, oldEjabberdScram(password) ?? {});
    else if (typeof password === "string") record.password = password;
    if (preferred) {
      const scram = scramRecord(preferred);
      if (scram) Object.assign(record, scram);
      else ctx.lost("SCRAM credentials that are not base64 keys of a known size");
    }
    return { value: Object.keys(record).length > 0 ? record : undefined, used: all };
  },
  encode(value, ctx): UserPart {
    const fields = fieldsOf(value) ?? {};
    const part: UserPart = { attrs: {}, children: [] };
    const hasScram = SCRAM_FIELDS.every((f) => fields[f] !== undefined);
    const scram = hasScram ? scramElement(fields, ctx) : undefined;
    if (hasScram && !scram) ctx.lost("SCRAM credentials (keys not hex of a known size, or no whole iteration count)");
    const plain = typeof fields.password === "string" ? fields.password : undefined;
    // ejabberd's importer has no rule for a user with both a password and SCRAM credentials (it
    // crashes): the plain password is enough, ejabberd hashes it itself if it stores SCRAM.
    if (plain !== undefined) part.attrs!.password = plain;
    if (scram && !(ctx.flavor === "ejabberd" && plain !== undefined)) part.children.push(scram);
    const rest: Record<string, string> = {};
    for (const [name, field] of Object.entries(fields)) {
      if (SCRAM_FIELDS.includes(name) || name === "password") continue;
      const text = scalarText(field);
      if (text === undefined) ctx.lost(`account field ${name} (a table)`);
      else {
        rest[name] = text;
        if (ctx.flavor === "ejabberd") ctx.lost(`account field ${name} (written, but ejabberd's importer ignores it)`);
      }
    }
    Object.assign(part.attrs!, extendedAttrs(rest));
    return part;
  },
};
