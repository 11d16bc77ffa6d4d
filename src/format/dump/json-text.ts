import type { DumpJson } from "./value.js";

const INDENT = "  ";

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function scalarText(value: unknown): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON cannot hold the number ${value}`);
      return String(value);
    default:
      throw new TypeError(`canonical JSON cannot hold ${value === null ? "null" : `a ${typeof value}`}`);
  }
}

/** Appends the text of `value` whose first line is already indented `depth` levels. */
function writeValue(value: DumpJson, depth: number, out: string[]): void {
  if (typeof value !== "object" || value === null) {
    out.push(scalarText(value));
    return;
  }
  const inner = INDENT.repeat(depth + 1);
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push("[]");
      return;
    }
    out.push("[");
    value.forEach((item, i) => {
      out.push(i === 0 ? "\n" : ",\n", inner);
      writeValue(item, depth + 1, out);
    });
    out.push("\n", INDENT.repeat(depth), "]");
    return;
  }
  const keys = Object.keys(value).sort(compareCodeUnits);
  if (keys.length === 0) {
    out.push("{}");
    return;
  }
  out.push("{");
  keys.forEach((key, i) => {
    out.push(i === 0 ? "\n" : ",\n", inner, JSON.stringify(key), ": ");
    writeValue(value[key], depth + 1, out);
  });
  out.push("\n", INDENT.repeat(depth), "}");
}

/**
 * The canonical JSON text of a dump document (dump-format.md, "Canonical JSON text"): object keys
 * sorted by UTF-16 code units at every level (`"10"` before `"9"`, unlike `JSON.stringify`),
 * laid out as `JSON.stringify(x, null, 2)` would, numbers as `String(n)`, and a final newline.
 */
export function canonicalJsonText(value: DumpJson): string {
  const out: string[] = [];
  writeValue(value, 0, out);
  out.push("\n");
  return out.join("");
}

interface Frame {
  kind: "object" | "array";
  count: number;
  lastKey: string | undefined;
}

/**
 * Writes the same text as {@link canonicalJsonText}, piece by piece, for documents too big to
 * hold in memory (the CLI's `dump` streams archives). Containers are opened and closed
 * explicitly; members of an object must be given in canonical key order (the writer checks
 * this and throws rather than emit a non-canonical document). Text accumulates in a buffer
 * that goes to the sink on {@link flush} (call it when {@link buffered} grows, e.g. after each
 * archive item) and on {@link end}.
 *
 * ```ts
 * const w = new JsonTextWriter((chunk) => stream.write(chunk));
 * w.openObject();  w.value({ ... }, "format");  w.openArray("items");  w.value(item);
 * w.close();  w.close();  await w.end();
 * ```
 */
export class JsonTextWriter {
  readonly #sink: (chunk: string) => unknown;
  readonly #stack: Frame[] = [];
  #parts: string[] = [];
  #buffered = 0;
  #wroteRoot = false;
  #ended = false;

  /** @param sink receives the text in order; a returned promise is awaited by flush/end. */
  constructor(sink: (chunk: string) => unknown) {
    this.#sink = sink;
  }

  /** Number of UTF-16 code units written but not yet handed to the sink. */
  get buffered(): number {
    return this.#buffered;
  }

  /** Opens an object: as the document itself, an array element, or the member `key`. */
  openObject(key?: string): void {
    this.#begin(key);
    this.#push("{");
    this.#stack.push({ kind: "object", count: 0, lastKey: undefined });
  }

  /** Opens an array: as the document itself, an array element, or the member `key`. */
  openArray(key?: string): void {
    this.#begin(key);
    this.#push("[");
    this.#stack.push({ kind: "array", count: 0, lastKey: undefined });
  }

  /** Writes a whole value (its own object keys sorted) at the current position. */
  value(value: DumpJson, key?: string): void {
    this.#begin(key);
    const out: string[] = [];
    writeValue(value, this.#stack.length, out);
    this.#push(out.join(""));
  }

  /** Closes the innermost open object or array. */
  close(): void {
    const frame = this.#stack.pop();
    if (!frame) throw new Error("JsonTextWriter: nothing open to close");
    const bracket = frame.kind === "object" ? "}" : "]";
    this.#push(frame.count === 0 ? bracket : `\n${INDENT.repeat(this.#stack.length)}${bracket}`);
  }

  /** Hands the buffered text to the sink and waits for it. */
  async flush(): Promise<void> {
    if (this.#parts.length === 0) return;
    const chunk = this.#parts.join("");
    this.#parts = [];
    this.#buffered = 0;
    await this.#sink(chunk);
  }

  /** Checks that the document is complete, adds the final newline and flushes. */
  async end(): Promise<void> {
    if (this.#ended) throw new Error("JsonTextWriter: already ended");
    if (!this.#wroteRoot || this.#stack.length > 0) throw new Error("JsonTextWriter: document is not complete");
    this.#ended = true;
    this.#push("\n");
    await this.flush();
  }

  #push(text: string): void {
    this.#parts.push(text);
    this.#buffered += text.length;
  }

  #begin(key: string | undefined): void {
    if (this.#ended) throw new Error("JsonTextWriter: already ended");
    const frame = this.#stack[this.#stack.length - 1];
    if (!frame) {
      if (this.#wroteRoot) throw new Error("JsonTextWriter: the document already has its value");
      if (key !== undefined) throw new Error("JsonTextWriter: the document itself has no key");
      this.#wroteRoot = true;
      return;
    }
    if (frame.kind === "object") {
      if (key === undefined) throw new Error("JsonTextWriter: an object member needs a key");
      if (frame.lastKey !== undefined && compareCodeUnits(frame.lastKey, key) >= 0) {
        throw new Error(`JsonTextWriter: key ${JSON.stringify(key)} after ${JSON.stringify(frame.lastKey)} breaks canonical order`);
      }
      frame.lastKey = key;
    } else if (key !== undefined) {
      throw new Error("JsonTextWriter: an array element has no key");
    }
    this.#push(`${frame.count === 0 ? "\n" : ",\n"}${INDENT.repeat(this.#stack.length)}`);
    if (key !== undefined) this.#push(`${JSON.stringify(key)}: `);
    frame.count++;
  }
}
