/**
 * Reads archive `.list` files straight into stanzas: each item is `st.preserialize(stanza)`
 * plus the archive's own fields (`key`, `when`, `with`), and reading the tables directly as
 * ltx Elements skips building a general Lua table per element, which is most of the cost
 * of a full archive read.
 */
import { Element } from "ltx";
import type { ValueObject } from "../../values/index.js";
import { withParseErrors } from "./parse.js";
import { readStatements } from "./list.js";
import type { TornTail } from "./list.js";

/** One archive item: the stanza, the other top-level string-keyed fields, and its bytes. */
export interface StanzaItem {
  stanza: Element;
  /** The item's fields besides `name` and `attr`, e.g. `{ key, when, with }`. */
  fields: ValueObject;
  start: number;
  end: number;
}

export interface ParsedStanzaList {
  items: StanzaItem[];
  torn: TornTail | undefined;
}

/**
 * Like `parseListItems`, but gives each item as a stanza (read as Prosody's `st.deserialize`
 * reads a preserialized table) with its other fields. An item that is not a serialized stanza
 * fails the whole file with StorageError `backend-failure` (`[internal] cannot parse FILE:
 * item is not a serialized stanza at line L`), as Prosody's archive reader would fail on it.
 */
export function parseStanzaItems(bytes: Uint8Array, fileLabel: string, startOffset = 0): ParsedStanzaList {
  return withParseErrors(bytes, fileLabel, startOffset, (parser) => {
    if (startOffset === 0) parser.skipPrelude();
    parser.fields.stanzas = true;
    return readStatements(
      parser,
      bytes,
      fileLabel,
      (p) => {
        const at = p.pos;
        const value = p.parseExpr(0);
        if (value === undefined) return undefined;
        if (!(value instanceof Element)) return p.fail("item is not a serialized stanza", at);
        const stanza: Element = value;
        return { stanza, fields: p.fields.extras ?? {} };
      },
      (item, start, end): StanzaItem => ({ stanza: item.stanza, fields: item.fields, start, end }),
    );
  });
}
