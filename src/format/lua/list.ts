/**
 * Reads `.list` files: one `item(<value>);` statement per archive item, as Prosody's
 * `util.datamanager.list_append` writes them and `list_load` reads them (`item = table.insert`).
 * A last statement cut short by the end of the file (a torn append) is reported, not thrown,
 * so that the caller can ignore and repair it.
 */
import type { Value } from "../../values/index.js";
import { LuaDataParser, withParseErrors } from "./parse.js";
import { LuaSyntaxError, isNameStart, syntaxFailure } from "./source.js";
import { skipExpr, skipFieldSeparator } from "./skip.js";

/** One item of a `.list` file and the bytes `[start, end)` of its statement. */
export interface ListItem {
  value: Value;
  /** Offset of the `item` keyword. */
  start: number;
  /** Offset after the statement, its `;` and the newline that follows it, if present. */
  end: number;
}

/** An incomplete last statement: the bytes from `start` to the end of the file. */
export interface TornTail {
  start: number;
  /** What was wrong, as the StorageError message a full parse would give. */
  reason: string;
}

export interface ParsedList {
  items: ListItem[];
  torn: TornTail | undefined;
}

/** The selected top-level fields of one item, found by {@link scanListItems}. */
export interface ScannedItem {
  /** Values of the requested fields, in the order they were asked for (undefined: absent). */
  values: Array<Value | undefined>;
  start: number;
  end: number;
}

export interface ScannedList {
  items: ScannedItem[];
  torn: TornTail | undefined;
}

type ReadArgument<A> = (parser: LuaDataParser) => A | undefined;

/**
 * Reads statements from the cursor to the end: each is `item(...)` (or `item{...}` /
 * `item"..."`, which Lua also allows) and gives `make(argument, start, end)`.
 */
export function readStatements<A, T>(
  parser: LuaDataParser,
  bytes: Uint8Array,
  label: string,
  readArgument: ReadArgument<A>,
  make: (argument: A, start: number, end: number) => T,
): { items: T[]; torn: TornTail | undefined } {
  const items: T[] = [];
  const b = parser.bytes;
  for (;;) {
    parser.skipSpace();
    if (b[parser.pos] === 59) {
      parser.pos++;
      continue;
    }
    if (parser.pos >= parser.end) return { items, torn: undefined };
    const start = parser.pos;
    try {
      const argument = readStatement(parser, start, readArgument);
      const end = statementEnd(parser);
      if (argument !== undefined) items.push(make(argument, start, end));
    } catch (error) {
      if (error instanceof LuaSyntaxError && error.atEnd) {
        return { items, torn: { start, reason: syntaxFailure(label, bytes, error).message } };
      }
      throw error;
    }
  }
}

function readStatement<A>(parser: LuaDataParser, start: number, readArgument: ReadArgument<A>): A | undefined {
  const b = parser.bytes;
  const name = isNameStart(b[start]) ? parser.readName() : "";
  if (name !== "item") {
    const cut = parser.pos >= parser.end && "item".startsWith(name);
    parser.fail("'item(...)' statement expected", cut ? parser.end : start);
  }
  parser.skipSpace();
  const c = b[parser.pos];
  if (c === 123 || c === 34 || c === 39 || c === 91) return readArgument(parser);
  if (c !== 40) parser.fail(parser.pos >= parser.end ? "unexpected end of input, '(' expected" : "'(' expected after 'item'");
  parser.pos++;
  parser.skipSpace();
  let argument: A | undefined;
  if (b[parser.pos] !== 41) {
    argument = readArgument(parser);
    parser.skipSpace();
    // further arguments are evaluated by Lua but ignored by `item`
    while (b[parser.pos] === 44) {
      parser.pos++;
      skipExpr(parser, 0);
      parser.skipSpace();
    }
  }
  parser.expect(41, "')'");
  return argument;
}

/** Steps over the `;` and newline that directly follow a statement; returns the new offset. */
function statementEnd(parser: LuaDataParser): number {
  const b = parser.bytes;
  if (b[parser.pos] === 59) parser.pos++;
  if (b[parser.pos] === 10) parser.pos++;
  return parser.pos;
}

/**
 * Reads every `item(...)` of a `.list` file from `startOffset` (default 0, where a byte-order
 * mark or `#` line is skipped as `loadfile` does). `item()` and `item(nil)` add nothing, as in
 * Prosody. Offsets are into `bytes`. Throws StorageError `backend-failure`
 * (`[internal] cannot parse FILE: ... at line L`) for a malformed file, except that an
 * incomplete last statement is returned as `torn`.
 */
export function parseListItems(bytes: Uint8Array, fileLabel: string, startOffset = 0): ParsedList {
  return withParseErrors(bytes, fileLabel, startOffset, (parser) => {
    if (startOffset === 0) parser.skipPrelude();
    return readStatements(
      parser,
      bytes,
      fileLabel,
      (p) => p.parseExpr(0),
      (value: Value, start, end): ListItem => ({ value, start, end }),
    );
  });
}

/**
 * Reads the wanted top-level string-keyed fields of an item table, skipping everything else.
 * Undefined for a `nil` argument, which adds no item (as in {@link parseListItems}).
 */
function scanFields(parser: LuaDataParser, fields: readonly string[]): Array<Value | undefined> | undefined {
  const b = parser.bytes;
  if (b[parser.pos] !== 123) {
    // not a table: nothing to pick from, but nil must still add no item
    return parser.parseExpr(0) === undefined ? undefined : new Array(fields.length).fill(undefined);
  }
  const values: Array<Value | undefined> = new Array(fields.length).fill(undefined);
  parser.pos++;
  for (;;) {
    parser.skipSpace();
    const c = b[parser.pos];
    if (c === 125) {
      parser.pos++;
      return values;
    }
    let index = -1;
    if (c === 91 && parser.longBracketLevel(parser.pos, true) < 0) {
      // [key] = value: keys are small, so read them in full
      parser.pos++;
      const key = parser.parseExpr(1);
      parser.skipSpace();
      parser.expect(93, "']'");
      parser.skipSpace();
      parser.expect(61, "'='");
      if (typeof key === "string") index = fields.indexOf(key);
    } else if (isNameStart(c)) {
      const start = parser.pos;
      const name = parser.readName();
      parser.skipSpace();
      if (b[parser.pos] === 61 && b[parser.pos + 1] !== 61) {
        parser.pos++;
        index = fields.indexOf(name);
      } else {
        parser.pos = start;
      }
    }
    if (index >= 0) values[index] = parser.parseExpr(1);
    else skipExpr(parser, 1);
    skipFieldSeparator(parser);
  }
}

/**
 * Like {@link parseListItems}, but reads only the named top-level string-keyed fields of each
 * item (e.g. `["key", "when", "with"]`) and steps over everything else without building it:
 * the cheap pass an archive index needs. Every statement is still checked for its shape, and
 * a torn last statement is reported the same way.
 */
export function scanListItems(bytes: Uint8Array, fileLabel: string, fields: readonly string[], startOffset = 0): ScannedList {
  return withParseErrors(bytes, fileLabel, startOffset, (parser) => {
    if (startOffset === 0) parser.skipPrelude();
    return readStatements(
      parser,
      bytes,
      fileLabel,
      (p) => scanFields(p, fields),
      (values, start, end): ScannedItem => ({ values, start, end }),
    );
  });
}
