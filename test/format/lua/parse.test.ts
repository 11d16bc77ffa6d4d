import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_SOURCE_BYTES, parseDatFile, parseListItems, scanListItems } from "../../../src/format/lua/index.js";
import { LuaTable, MAX_DEPTH, valuesEqual, type Value } from "../../../src/values/index.js";
import { StorageError } from "../../../src/errors.js";
import { ARCHIVE_ITEM } from "./samples.js";

const bytes = (text: string): Buffer => Buffer.from(text, "latin1");
const read = (expr: string): Value | undefined => parseDatFile(bytes(`return ${expr};`), "t.dat");

function assertValue(expr: string, expected: Value | undefined): void {
  const actual = read(expr);
  if (expected === undefined) return assert.equal(actual, undefined, expr);
  assert.ok(actual !== undefined && valuesEqual(actual, expected), `${expr}: got ${String(actual)}`);
}

function assertFails(text: string, pattern: RegExp): void {
  assert.throws(
    () => parseDatFile(bytes(text), "DATA/example%2ecom/roster/juliet.dat"),
    (error: unknown) => error instanceof StorageError && error.condition === "backend-failure" && pattern.test(error.message),
  );
}

describe("lua parse: strings", () => {
  it("reads both quote forms and every named escape", () => {
    assert.equal(read(`"a\\a\\b\\f\\n\\r\\t\\v\\\\\\"\\'"`), "a\x07\b\f\n\r\t\v\\\"'");
    assert.equal(read(`'it\\'s "q"'`), `it's "q"`);
  });
  it("reads decimal, hex and unicode escapes as bytes", () => {
    assert.equal(read(`"Zo\\195\\171"`), "Zoë");
    assert.equal(read(`"\\0651\\x41\\x4a"`), "A1AJ");
    assert.equal(read(`"\\u{48}\\u{e9}\\u{20AC}\\u{1F600}"`), "Hé€😀");
    assert.deepEqual(read(`"\\255\\000"`), new Uint8Array([255, 0]));
    assert.deepEqual(read(`"\\u{7FFFFFFF}"`), new Uint8Array([0xfd, 0xbf, 0xbf, 0xbf, 0xbf, 0xbf]));
  });
  it("handles \\z and escaped line breaks", () => {
    assert.equal(read(`"a\\z  \n\t  b"`), "ab");
    assert.equal(read(`"a\\\nb\\\r\nc"`), "a\nb\nc");
  });
  it("reads long brackets, skipping the first newline and normalising line breaks", () => {
    assert.equal(read("[[\nline1\r\nline2]]"), "line1\nline2");
    assert.equal(read("[==[a]]b]=]c]==]"), "a]]b]=]c");
    assert.equal(read("[[]]"), "");
  });
  it("keeps non-UTF-8 bytes as Uint8Array and valid UTF-8 as string", () => {
    assert.deepEqual(read(`"\\192\\128"`), new Uint8Array([0xc0, 0x80]));
    assert.equal(parseDatFile(Buffer.from('return "Zoë";'), "t.dat"), "Zoë");
  });
  it("rejects bad strings with a line number", () => {
    assertFails('return "abc\n";', /cannot parse DATA\/example%2ecom\/roster\/juliet\.dat: unfinished string at line 1/);
    assertFails('return\n"\\q";', /invalid escape sequence at line 2/);
    assertFails('return "\\256";', /decimal escape too large/);
    assertFails('return "\\xZZ";', /hexadecimal digit expected/);
    assertFails('return "\\u{80000000}";', /UTF-8 value too large/);
    assertFails("return [=[abc]];", /unfinished long string/);
    assertFails("return [=abc];", /invalid long string delimiter/);
  });
});

describe("lua parse: numbers", () => {
  it("reads integers, floats, hex and exponents", () => {
    assertValue("42", 42);
    assertValue("0x1F", 31);
    assertValue("1e3", 1000);
    assertValue(".5", 0.5);
    assertValue("3.", 3);
    assertValue("0.100000000000000006", 0.1);
    assertValue("1.00000000000000002e+100", 1e100);
    assertValue("0x1p4", 16);
    assertValue("0x.8", 0.5);
    assertValue("0xA.8p1", 21);
  });
  it("follows Lua 5.4 integer rules", () => {
    assert.equal(read("9007199254740993"), 9007199254740993n);
    assert.equal(read("9223372036854775807"), 9223372036854775807n);
    assert.equal(read("-9223372036854775807"), -9223372036854775807n);
    // overflowing decimal integers are floats, so math.mininteger comes back as a float
    assert.equal(read("9223372036854775808"), 2 ** 63);
    assert.equal(read("-9223372036854775808"), -(2 ** 63));
    // hexadecimal integers wrap around
    assert.equal(read("0xffffffffffffffff"), -1);
    assert.equal(read("-0x8000000000000000"), -9223372036854775808n);
    assert.ok(Object.is(read("-0"), 0));
    assert.ok(Object.is(read("-0.0"), -0));
  });
  it("reads infinities and NaN in every form Lua folds", () => {
    assertValue("(1/0)", Infinity);
    assertValue("(-1/0)", -Infinity);
    assertValue("1/0", Infinity);
    assertValue("-1/0", -Infinity);
    assert.ok(Number.isNaN(read("(0/0)") as number));
    assert.ok(Number.isNaN(read("-(0/0)") as number));
    assertValue("6/4", 1.5);
  });
  it("rejects malformed numbers and anything beyond data", () => {
    assertFails("return 12abc;", /malformed number/);
    assertFails("return 0x;", /malformed number/);
    assertFails("return 1e;", /malformed number/);
    assertFails("return math.huge;", /unexpected name 'math'/);
    assertFails("return 1 + 2;", /end of file expected/);
    assertFails('return -"x";', /arithmetic on a non-number/);
    // the fast paths for Prosody's `["key"] = true;` leave other forms to the general reader
    assertFails('return {["a"] = true / 2};', /arithmetic on a non-number/);
    assertFails('return {["a"] = = 1};', /unexpected symbol '='/);
    assertValue('{["a"]=true,["b"]  =  false}', { a: true, b: false });
    assertFails('return {["a"] = truex};', /unexpected name 'truex'/);
    assertFails("return 1//2;", /end of file expected/);
  });
});

describe("lua parse: tables", () => {
  it("reads every field form and separator", () => {
    assertValue("{}", {});
    assertValue("{1, 2; 3,}", [1, 2, 3]);
    assertValue('{a = 1, ["b"] = 2; [ [[c]] ] = 3;}', { a: 1, b: 2, c: 3 });
    assertValue("{[1] = 'x', [2] = 'y'}", ["x", "y"]);
    assertValue("{[false] = 1, [1.5] = 2, [3] = 3, [true] = 4}", new LuaTable([[false, 1], [1.5, 2], [3, 3], [true, 4]]));
    assertValue("{'a', name = 'n'}", new LuaTable([[1, "a"], ["name", "n"]]));
    assertValue("{[2.0] = 'two', [1] = 'one'}", ["one", "two"]);
    // keyed fields only, some keys not strings (a roster's [false]): built without a replay
    assertValue('{[false] = {version = 1}, ["a@x"] = {}, [true] = 2, [false] = 3}', new LuaTable([[false, 3], ["a@x", {}], [true, 2]]));
    assertValue('{[false] = 1, ["a"] = 2, [false] = nil}', { a: 2 });
    assertValue("{[false] = 1, [true] = 2, [false] = nil, [true] = nil}", {});
    assertValue("{[9007199254740993] = true}", new LuaTable([[9007199254740993n, true]]));
    // an integral float key is the integer key, as in Lua
    assertValue("{[9007199254740992.0] = 1, [9007199254740992] = 2}", new LuaTable([[9007199254740992n, 2]]));
  });
  it("treats nil like Lua does", () => {
    assertValue("{1, nil, 3}", new LuaTable([[1, 1], [3, 3]]));
    assertValue("{a = nil, b = 1}", { b: 1 });
    assertValue("nil", undefined);
  });
  it("lets positional values win over earlier keyed ones, as Lua's SETLIST does", () => {
    assertValue("{[1] = 'a', 'b'}", ["b"]);
    assertValue("{'b', [1] = 'a'}", ["b"]);
    const many = Array.from({ length: 50 }, (_, i) => String(i + 1)).join(", ");
    // the first 50 positional values are stored before [1] = 'late' is read
    const table = read(`{${many}, [1] = 'late', 'fifty-one'}`) as Value[];
    assert.equal(table[0], "late");
    assert.equal(table[50], "fifty-one");
  });
  it("keeps a __proto__ key as data", () => {
    const value = read('{["__proto__"] = 1}') as Record<string, Value>;
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.deepEqual(Object.keys(value), ["__proto__"]);
  });
  it("reads comments anywhere", () => {
    assertValue("--[==[ long\n]] ]==] { -- short\n a --[[x]] = 1 }", { a: 1 });
  });
  it("rejects keys Lua rejects", () => {
    assertFails("return {[nil] = 1};", /table index is nil/);
    assertFails("return {[0/0] = 1};", /table index is NaN/);
    assertFails("return {true = 1};", /'}' expected/);
    assertFails("return {a = 1 b = 2};", /'}' expected near 'b'/);
  });
  it("limits nesting instead of overflowing the stack", () => {
    const ok = "{".repeat(MAX_DEPTH) + "}".repeat(MAX_DEPTH);
    assert.ok(read(ok) !== undefined);
    assertFails(`return ${"{".repeat(MAX_DEPTH + 1)}${"}".repeat(MAX_DEPTH + 1)};`, new RegExp(`nested deeper than ${MAX_DEPTH} at line 1`));
    assertFails(`return ${"(".repeat(100000)}1${")".repeat(100000)};`, /nested deeper/);
    assertFails(`return ${"{".repeat(100000)};`, /nested deeper/);
    assert.equal(read(`${"- ".repeat(100001)}1`), -1);
  });
});

describe("lua parse: .dat files", () => {
  it("reads the roster sample of the facts file", () => {
    const text = [
      "return {",
      "\t[false] = {",
      '\t\t["pending"] = {};',
      '\t\t["version"] = 1;',
      "\t};",
      '\t["john doe@example.com"] = {',
      '\t\t["groups"] = {};',
      '\t\t["name"] = "Zo\\195\\171";',
      '\t\t["subscription"] = "to";',
      "\t};",
      '\t["user0019@example.com"] = {',
      '\t\t["groups"] = {',
      '\t\t\t["Work"] = true;',
      "\t\t};",
      '\t\t["subscription"] = "from";',
      "\t};",
      "};",
      "",
    ].join("\n");
    const expected = new LuaTable([
      [false, { pending: {}, version: 1 }],
      ["john doe@example.com", { groups: {}, name: "Zoë", subscription: "to" }],
      ["user0019@example.com", { groups: { Work: true }, subscription: "from" }],
    ]);
    const value = parseDatFile(bytes(text), "roster/bob.dat");
    assert.ok(value instanceof LuaTable);
    assert.ok(valuesEqual(value, expected));
  });
  it("reads empty chunks and bare returns as nothing stored", () => {
    assert.equal(parseDatFile(bytes(""), "t.dat"), undefined);
    assert.equal(parseDatFile(bytes("  -- nothing\n"), "t.dat"), undefined);
    assert.equal(parseDatFile(bytes("return;"), "t.dat"), undefined);
    assert.equal(parseDatFile(bytes("return"), "t.dat"), undefined);
  });
  it("skips a byte-order mark and a # line, and refuses binary chunks", () => {
    assert.equal(parseDatFile(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes("#!lua\nreturn 1")]), "t.dat"), 1);
    assertFails("\x1bLuaT\x00", /binary/);
  });
  it("ignores extra return values and accepts leading semicolons", () => {
    assert.equal(parseDatFile(bytes(";; return 'a', 'b'"), "t.dat"), "a");
  });
  it("rejects statements other than return", () => {
    assertFails("x = 1", /'return' expected at line 1/);
    assertFails("return 1; return 2", /end of file expected/);
    assertFails("return {} \n\n junk", /end of file expected after the return value at line 3/);
  });
  it("refuses files over the size limit before reading them", () => {
    // calloc'd and never touched, so this costs address space rather than memory
    const huge = new Uint8Array(MAX_SOURCE_BYTES + 1);
    assert.throws(() => parseDatFile(huge, "big.dat"), /\[internal\] cannot parse big\.dat: file larger than 536870912 bytes at line 1/);
    assert.throws(() => parseListItems(huge, "big.list"), /file larger than/);
  });
  it("accepts Uint8Array input that is not a Buffer", () => {
    const raw = new Uint8Array(Buffer.from("xxreturn 7"));
    assert.equal(parseDatFile(raw.subarray(2), "t.dat"), 7);
  });
});


const ARCHIVE_VALUE = new LuaTable([
  [1, new LuaTable([[1, `Quotes: 'single' "double" \`back\``], ["name", "body"], ["attr", {}]])],
  ["name", "message"],
  [
    "attr",
    {
      id: "7mVmx7YNHBxhO2gtNW7fS-ym",
      from: "romeo@montague.example/web-3f2a",
      type: "chat",
      stamp: "2023-10-03T09:30:08Z",
      to: "alice@example.com",
    },
  ],
  ["key", "NmmB2o0UaQtrdQSl_9rGrP-N"],
  ["when", 1696325408],
  ["with", "romeo@montague.example"],
]);

describe("lua parse: .list files", () => {
  it("reads the archive sample of the facts file with byte offsets", () => {
    const file = bytes(ARCHIVE_ITEM + ARCHIVE_ITEM.replace("1696325408", "1696325409"));
    const { items, torn } = parseListItems(file, "archive/alice.list");
    assert.equal(torn, undefined);
    assert.equal(items.length, 2);
    assert.ok(valuesEqual(items[0].value, ARCHIVE_VALUE));
    assert.deepEqual([items[0].start, items[0].end, items[1].start, items[1].end], [0, ARCHIVE_ITEM.length, ARCHIVE_ITEM.length, file.length]);
    assert.equal((items[1].value as LuaTable).get("when"), 1696325409);
  });
  it("starts at an offset and reports offsets into the whole buffer", () => {
    const file = bytes(ARCHIVE_ITEM + 'item({["key"] = "b"});\n');
    const { items } = parseListItems(file, "a.list", ARCHIVE_ITEM.length);
    assert.equal(items.length, 1);
    assert.deepEqual(items[0], { value: { key: "b" }, start: ARCHIVE_ITEM.length, end: file.length });
  });
  it("reports a torn last item instead of throwing", () => {
    for (let cut = 1; cut < ARCHIVE_ITEM.length - 3; cut += 7) {
      const file = bytes(ARCHIVE_ITEM + ARCHIVE_ITEM.slice(0, cut));
      const { items, torn } = parseListItems(file, "a.list");
      assert.equal(items.length, 1, `cut at ${cut}`);
      assert.equal(torn?.start, ARCHIVE_ITEM.length, `cut at ${cut}`);
      assert.match(torn!.reason, /^\[internal\] cannot parse a\.list: .* at line \d+$/);
    }
  });
  it("accepts the other call forms, comments and a missing final newline", () => {
    const { items, torn } = parseListItems(bytes("-- log\nitem{1};item 'x'\nitem([[y]]) item(nil) item() item(2, 3)"), "a.list");
    assert.equal(torn, undefined);
    assert.deepEqual(items.map((item) => item.value), [[1], "x", "y", 2]);
  });
  it("throws on a broken item that is not at the end", () => {
    assert.throws(() => parseListItems(bytes('item({"a\n"});\nitem({});\n'), "a.list"), /unfinished string at line 1/);
    assert.throws(() => parseListItems(bytes("item({});\nprint(1);\n"), "a.list"), /'item\(\.\.\.\)' statement expected at line 2/);
    assert.throws(() => parseListItems(bytes("items({})"), "a.list"), /statement expected at line 1/);
  });
});

describe("lua scan: selected fields of list items", () => {
  it("finds key, when and with and skips the stanza", () => {
    const file = bytes(`${ARCHIVE_ITEM}item({ key = "k2", ["when"] = 5; [1] = { "x" }, ["with"] = nil })\nitem(nil)\nitem("s")\n`);
    const scan = scanListItems(file, "a.list", ["key", "when", "with"]);
    const full = parseListItems(file, "a.list");
    assert.deepEqual(
      scan.items.map((item) => item.values),
      [["NmmB2o0UaQtrdQSl_9rGrP-N", 1696325408, "romeo@montague.example"], ["k2", 5, undefined], [undefined, undefined, undefined]],
    );
    assert.deepEqual(scan.items.map((item) => [item.start, item.end]), full.items.map((item) => [item.start, item.end]));
  });
  it("reports the same torn tail as a full parse", () => {
    const file = bytes(ARCHIVE_ITEM + ARCHIVE_ITEM.slice(0, 100));
    assert.deepEqual(scanListItems(file, "a.list", ["key"]).torn, parseListItems(file, "a.list").torn);
  });
});
