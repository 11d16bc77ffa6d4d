import { stringFromBytes, tableFromPairs, tableGet, isTable, type LuaKey, type Value } from "../../values/index.js";
import { configErrorAt } from "../errors.js";
import { tokenize, type Token } from "./lexer.js";

/** A value of the configuration language; `undefined` is Lua's nil. */
export type LuaValue = Value | undefined;

/** What a configuration chunk does, told to the reader that gives it meaning. */
export interface ChunkHandler {
  /** `name = value` where `name` is not a local variable. */
  assign(name: string, value: LuaValue, line: number): void;
  /** `Name a b c`: a call chain such as `Component "muc.example" "muc"`, one entry per argument list. */
  call(name: string, argLists: LuaValue[][], line: number): void;
  /** Reads a global name that is not a local variable (Prosody's `ENV_HOME`, …); `undefined` if unknown. */
  global(name: string, line: number): LuaValue;
  /**
   * `Name(args)` inside a value (Prosody 13's `FileContents "x"`): its value, or an error naming
   * the line. Without it, every call in a value is an error.
   */
  callValue?(name: string, args: LuaValue[], line: number): LuaValue;
  /** `os.getenv("NAME")`, which Prosody's configuration may call: the variable, or `undefined`. */
  getenv?(name: string, line: number): LuaValue;
}

const BINARY_PRIORITY: Record<string, [number, number]> = {
  or: [1, 1], and: [2, 2],
  "<": [3, 3], ">": [3, 3], "<=": [3, 3], ">=": [3, 3], "~=": [3, 3], "==": [3, 3],
  "..": [9, 8], // right associative
  "+": [10, 10], "-": [10, 10],
  "*": [11, 11], "/": [11, 11], "//": [11, 11], "%": [11, 11],
  "^": [14, 13], // right associative, binds tighter than unary operators
};
const UNARY_PRIORITY = 12;
/** Deeper nesting than any configuration needs is refused before it can exhaust the stack. */
const MAX_NESTING = 200;
/** Longest string `..` may build: far more than any option needs, far less than memory allows. */
const MAX_STRING = 1 << 20;

/** Lua's `tostring` of a number, as `..` uses it: integers plainly, floats as `%.14g`. */
function numberText(n: number | bigint): string {
  if (typeof n === "bigint" || Number.isSafeInteger(n)) return String(n);
  if (!Number.isFinite(n)) return Number.isNaN(n) ? "nan" : n > 0 ? "inf" : "-inf";
  return String(Number(n.toPrecision(14)));
}

/**
 * Reads a configuration chunk written in Lua without running it: statements are assignments,
 * `local` declarations and call chains (`VirtualHost "x"`, `input { … }`); expressions are
 * literals, tables, local variables, `..`, arithmetic and comparisons. Anything else (functions,
 * loops, conditionals) is an error naming the file and line, never executed.
 */
export function interpretChunk(source: string, file: string, handler: ChunkHandler): void {
  const tokens = tokenize(source, file);
  const locals = new Map<string, LuaValue>();
  let at = 0;
  let depth = 0;

  const peek = (offset = 0): Token => tokens[Math.min(at + offset, tokens.length - 1)];
  const fail = (message: string, token: Token = peek()): never => {
    throw configErrorAt(file, token.line, message);
  };
  const describe = (t: Token): string =>
    t.kind === "eof" ? "end of file" : t.kind === "string" ? "a string" : t.kind === "number" ? String(t.value) : `'${t.text}'`;
  const isSymbol = (text: string, t = peek()) => t.kind === "symbol" && t.text === text;
  const isKeyword = (text: string, t = peek()) => t.kind === "keyword" && t.text === text;
  const expectSymbol = (text: string): void => {
    if (!isSymbol(text)) fail(`'${text}' expected near ${describe(peek())}`);
    at++;
  };
  const expectName = (): string => {
    const t = peek();
    if (t.kind !== "name") fail(`name expected near ${describe(t)}`);
    at++;
    return (t as { text: string }).text;
  };

  const truthy = (v: LuaValue) => v !== undefined && v !== false;
  const toNumber = (v: LuaValue, op: string, token: Token): number => {
    if (typeof v === "number") return v;
    if (typeof v === "bigint") return Number(v);
    if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
    return fail(`cannot use ${v === undefined ? "nil" : typeof v} in arithmetic '${op}'`, token);
  };
  const toText = (v: LuaValue, token: Token): string => {
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "bigint") return numberText(v);
    return fail(`cannot concatenate a ${v === undefined ? "nil" : isTable(v) ? "table" : typeof v} value`, token);
  };

  function binary(op: string, a: LuaValue, b: LuaValue, token: Token): LuaValue {
    switch (op) {
      case "..": {
        const left = toText(a, token);
        const right = toText(b, token);
        if (left.length + right.length > MAX_STRING) fail(`'..' builds a string longer than ${MAX_STRING} characters (a value that grows without bound?)`, token);
        return left + right;
      }
      case "==":
        return a === b;
      case "~=":
        return a !== b;
      case "<": case ">": case "<=": case ">=": {
        const [x, y] = typeof a === "string" && typeof b === "string" ? [a, b] : [toNumber(a, op, token), toNumber(b, op, token)];
        return op === "<" ? x < y : op === ">" ? x > y : op === "<=" ? x <= y : x >= y;
      }
    }
    const x = toNumber(a, op, token);
    const y = toNumber(b, op, token);
    switch (op) {
      case "+": return x + y;
      case "-": return x - y;
      case "*": return x * y;
      case "/": return x / y;
      case "//": return Math.floor(x / y);
      case "%": return x - Math.floor(x / y) * y;
      default: return x ** y;
    }
  }

  function tableConstructor(): Value {
    expectSymbol("{");
    const pairs: Array<[LuaKey, Value]> = [];
    let index = 1;
    while (!isSymbol("}")) {
      let key: LuaValue;
      const start = peek();
      if (isSymbol("[")) {
        at++;
        key = expression();
        expectSymbol("]");
        expectSymbol("=");
      } else if (start.kind === "name" && isSymbol("=", peek(1))) {
        key = start.text;
        at += 2;
      } else key = index++;
      const value = expression();
      if (key === undefined) fail("table index is nil", start);
      if (typeof key === "number" && Number.isNaN(key)) fail("table index is NaN", start);
      if (value !== undefined) {
        if (isTable(key)) fail("a table cannot be a key here", start);
        const existing = pairs.findIndex(([k]) => k === key);
        if (existing >= 0) pairs.splice(existing, 1);
        pairs.push([key as LuaKey, value]);
      }
      if (isSymbol(",") || isSymbol(";")) at++;
      else if (!isSymbol("}")) fail(`'}' expected near ${describe(peek())}`);
    }
    at++;
    return tableFromPairs(pairs);
  }

  function primary(): LuaValue {
    const t = peek();
    if (t.kind === "string") {
      at++;
      return stringFromBytes(t.bytes);
    }
    if (t.kind === "number") {
      at++;
      return t.value;
    }
    if (isKeyword("nil")) return void at++;
    if (isKeyword("true") || isKeyword("false")) {
      at++;
      return (t as { text: string }).text === "true";
    }
    if (isSymbol("{")) return tableConstructor();
    if (isSymbol("(")) {
      at++;
      const value = expression();
      expectSymbol(")");
      return value;
    }
    if (t.kind === "name") {
      if (isGetenv(t)) return getenv(t);
      at++;
      const callable = handler.callValue;
      if (callable && !locals.has(t.text) && (isSymbol("(") || isSymbol("{") || peek().kind === "string")) {
        return callable.call(handler, t.text, argumentList(), t.line);
      }
      let value = locals.has(t.text) ? locals.get(t.text) : handler.global(t.text, t.line);
      while (isSymbol(".") || isSymbol("[")) {
        const keyToken = peek();
        at++;
        const key = keyToken.kind === "symbol" && keyToken.text === "." ? expectName() : expression();
        if (keyToken.kind === "symbol" && keyToken.text === "[") expectSymbol("]");
        if (!isTable(value)) fail(`cannot index a ${value === undefined ? "nil" : typeof value} value (${t.text})`, keyToken);
        value = key === undefined ? undefined : tableGet(value as Value[], key as LuaKey);
      }
      if (isSymbol("(") || isSymbol("{") || isSymbol(":") || peek().kind === "string") {
        fail(`function calls are not understood in values (xmppstore reads configuration without running it)`);
      }
      return value;
    }
    if (isKeyword("function")) fail("functions are not understood (xmppstore reads configuration without running it)");
    return fail(`unexpected ${describe(t)}`);
  }

  /** `os.getenv(…)` or `os.getenv "…"`, where `os` is Lua's library and not a local variable. */
  function isGetenv(t: Token): boolean {
    const [dot, name] = [peek(1), peek(2)];
    return t.kind === "name" && t.text === "os" && !locals.has("os") && isSymbol(".", dot) && name.kind === "name" && name.text === "getenv";
  }

  function getenv(t: Token): LuaValue {
    at += 3;
    const args = argumentList();
    if (typeof args[0] !== "string") fail("os.getenv needs the name of an environment variable", t);
    if (!handler.getenv) fail("os.getenv is not understood here", t);
    return handler.getenv!(args[0] as string, t.line);
  }

  function expression(limit = 0): LuaValue {
    if (++depth > MAX_NESTING) fail(`nesting deeper than ${MAX_NESTING} levels`);
    try {
      return operatorExpression(limit);
    } finally {
      depth--;
    }
  }

  function operatorExpression(limit: number): LuaValue {
    let left: LuaValue;
    const t = peek();
    if (isSymbol("-") || isKeyword("not") || isSymbol("#")) {
      at++;
      const operand = expression(UNARY_PRIORITY);
      if (t.kind !== "eof" && (t as { text: string }).text === "not") left = !truthy(operand);
      else if ((t as { text: string }).text === "#") {
        if (typeof operand === "string") left = Buffer.byteLength(operand);
        else if (Array.isArray(operand)) left = operand.length;
        else left = fail("'#' is only understood on strings and lists", t);
      } else left = typeof operand === "bigint" ? -operand : -toNumber(operand, "-", t);
    } else left = primary();
    for (;;) {
      const op = peek();
      const name = op.kind === "symbol" || op.kind === "keyword" ? op.text : "";
      const priority = BINARY_PRIORITY[name];
      if (!priority || priority[0] <= limit) return left;
      at++;
      if (name === "and" || name === "or") {
        const right = expression(priority[1]);
        left = name === "and" ? (truthy(left) ? right : left) : truthy(left) ? left : right;
      } else left = binary(name, left, expression(priority[1]), op);
    }
  }

  function argumentList(): LuaValue[] {
    if (peek().kind === "string") return [primary()];
    if (isSymbol("{")) return [tableConstructor()];
    expectSymbol("(");
    const args: LuaValue[] = [];
    while (!isSymbol(")")) {
      args.push(expression());
      if (isSymbol(",")) at++;
      else if (!isSymbol(")")) fail(`')' expected near ${describe(peek())}`);
    }
    at++;
    return args;
  }

  function statement(): void {
    const t = peek();
    if (isSymbol(";")) return void at++;
    if (isKeyword("local")) {
      at++;
      if (isKeyword("function")) fail("functions are not understood (xmppstore reads configuration without running it)");
      const names = [expectName()];
      while (isSymbol(",")) {
        at++;
        names.push(expectName());
      }
      const values: LuaValue[] = [];
      if (isSymbol("=")) {
        at++;
        values.push(expression());
        while (isSymbol(",")) {
          at++;
          values.push(expression());
        }
      }
      names.forEach((name, i) => locals.set(name, values[i]));
      return;
    }
    if (t.kind !== "name") {
      return fail(t.kind === "keyword"
        ? `'${t.text}' statements are not understood (xmppstore reads configuration without running it)`
        : `unexpected ${describe(t)}`);
    }
    at++;
    if (isSymbol("=") || isSymbol(",")) {
      const targets = [t.text];
      while (isSymbol(",")) {
        at++;
        targets.push(expectName());
      }
      expectSymbol("=");
      const values = [expression()];
      while (isSymbol(",")) {
        at++;
        values.push(expression());
      }
      targets.forEach((name, i) => (locals.has(name) ? locals.set(name, values[i]) : handler.assign(name, values[i], t.line)));
      return;
    }
    if (isSymbol("(") || isSymbol("{") || peek().kind === "string") {
      const argLists: LuaValue[][] = [];
      while (isSymbol("(") || isSymbol("{") || peek().kind === "string") argLists.push(argumentList());
      handler.call(t.text, argLists, t.line);
      return;
    }
    fail(`cannot understand the statement starting with '${t.text}' near ${describe(peek())}`);
  }

  while (peek().kind !== "eof") statement();
}
