import { Element } from "ltx";
import { storageError, type StorageError } from "../../errors.js";
import { decodeProsodyJson, encodeProsodyJson, formatLuaNumber, parseLuaNumber } from "../../format/json/index.js";
import { stringFromBytes, type Value } from "../../values/index.js";
import type { Dialect } from "./dialects/dialect.js";
import { stanzaToXml, xmlToStanza } from "./xml-text.js";

/** A value as it sits in the `type` and `value` columns. */
export interface EncodedValue {
  type: "string" | "number" | "boolean" | "json" | "xml";
  value: string | Uint8Array;
}

/** Text from a column: SQLite gives bytes (so strings that are not UTF-8 survive), others text. */
export function columnText(raw: unknown): string | Uint8Array {
  if (typeof raw === "string") return raw;
  if (raw instanceof Uint8Array) return stringFromBytes(raw);
  if (typeof raw === "number" || typeof raw === "bigint") return String(raw);
  throw new Error(`unexpected column value ${String(raw)}`);
}

/**
 * Prosody's value encoding (`serialize`/`deserialize` of mod_storage_sql), made lossless:
 * strings, numbers (full precision), booleans, stanzas as XML, tables as util.json. A string
 * holding U+0000 is stored as a JSON string, since Prosody cuts string rows at NUL.
 */
export class ValueCodec {
  readonly #dialect: Dialect;
  readonly #label: string;

  constructor(dialect: Dialect, label: string) {
    this.#dialect = dialect;
    this.#label = label;
  }

  #unsupported(where: string, what: string): never {
    throw storageError("unsupported-datatype", `${where}: ${what} cannot be stored in ${this.#dialect.engine}`, { backend: "sql", object: this.#label });
  }

  #checkBytes(encoded: string | Uint8Array, where: string): string | Uint8Array {
    if (encoded instanceof Uint8Array && !this.#dialect.byteStrings) this.#unsupported(where, "a string that is not valid UTF-8");
    return encoded;
  }

  encode(value: Value, where: string): EncodedValue {
    switch (typeof value) {
      case "string":
        return value.includes("\0") ? { type: "json", value: encodeProsodyJson(value, where) } : { type: "string", value };
      case "number":
      case "bigint":
        return { type: "number", value: formatLuaNumber(value, where) };
      case "boolean":
        return { type: "boolean", value: value ? "true" : "false" };
    }
    if (value instanceof Uint8Array) {
      const encoded = value.includes(0) ? encodeProsodyJson(value, where) : value;
      return { type: value.includes(0) ? "json" : "string", value: this.#checkBytes(encoded, where) };
    }
    if (value instanceof Element) return { type: "xml", value: stanzaToXml(value, where) };
    return { type: "json", value: this.#checkBytes(encodeProsodyJson(value, where), where) };
  }

  /** The failure of reading the row at `where` (which names host, store and user). */
  unreadable(where: string, reason: string, cause?: unknown): StorageError {
    return storageError("backend-failure", `cannot read ${where}: ${reason}`, { backend: "sql", object: this.#label, ...(cause === undefined ? {} : { cause }) });
  }

  /** A text column of a row (key, user, with): NULL, as a schema older than Prosody 0.12 allows, fails naming the row. */
  text(raw: unknown, where: string, column: string): string | Uint8Array {
    if (raw === null || raw === undefined) throw this.unreadable(where, `its "${column}" is NULL`);
    return columnText(raw);
  }

  /** A number column of a row (when). */
  number(raw: unknown, where: string, column: string): number {
    const number = raw === null || raw === undefined ? Number.NaN : Number(raw);
    if (!Number.isFinite(number)) throw this.unreadable(where, `its "${column}" is ${raw === null || raw === undefined ? "NULL" : JSON.stringify(String(raw))}`);
    return number;
  }

  /** Reads a `type`/`value` pair; anything unreadable is `backend-failure` naming `where`. */
  decode(type: unknown, raw: unknown, where: string): Value {
    if (type === null || type === undefined) throw this.unreadable(where, 'its "type" is NULL');
    if (raw === null || raw === undefined) throw this.unreadable(where, 'its "value" is NULL');
    try {
      switch (type) {
        case "string":
          return columnText(raw);
        case "number": {
          const text = columnText(raw);
          const number = typeof text === "string" ? parseLuaNumber(text) : undefined;
          if (number === undefined) throw new Error(`invalid number ${JSON.stringify(String(text))}`);
          return number;
        }
        case "boolean": {
          const text = columnText(raw);
          if (text === "true" || text === "false") return text === "true";
          throw new Error(`invalid boolean ${JSON.stringify(String(text))}`);
        }
        case "json":
          return decodeProsodyJson(raw instanceof Uint8Array ? raw : (columnText(raw) as string));
        case "xml": {
          const text = columnText(raw);
          if (typeof text !== "string") throw new Error("XML that is not valid UTF-8");
          return xmlToStanza(text);
        }
        default:
          throw new Error(`unknown value type ${JSON.stringify(type)}`);
      }
    } catch (error) {
      throw this.unreadable(where, error instanceof Error ? error.message : String(error), error);
    }
  }
}
