/**
 * Lua codec throughput on a 100 000-item archive-like `.list` file: our parser (full and
 * field scan) and serializer, against Prosody's own reader (`loadfile` with `item =
 * table.insert`, timed inside Lua 5.4) on the same bytes. Times are CPU seconds (Lua's
 * `os.clock`, Node's `process.cpuUsage`, garbage collection included), best of 3, so that a
 * busy machine disturbs the ratio less than wall-clock time would.
 *   node --import tsx bench/lua-codec.ts [items]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Element } from "ltx";
import { parseListItems, parseStanzaItems, scanListItems, serializeListItem, tableFromElement } from "../src/format/lua/index.js";
import { LuaTable, type Value } from "../src/values/index.js";

const COUNT = Number(process.argv[2] ?? 100_000);

function archiveItem(i: number): Value {
  const message = new Element("message", {
    xmlns: "jabber:client",
    type: "chat",
    id: `msg-${i.toString(36)}-7mVmx7YNHBxhO2gtNW7fS`,
    from: `romeo@montague.example/web-${i % 7}`,
    to: "juliet@capulet.example",
    stamp: "2023-10-03T09:30:08Z",
  });
  message.c("body").t(`Message number ${i}: "quotes", ünïcödé and a line\nbreak`);
  if (i % 3 === 0) message.c("active", { xmlns: "http://jabber.org/protocol/chatstates" });
  if (i % 5 === 0) message.c("stanza-id", { xmlns: "urn:xmpp:sid:0", id: `sid-${i}`, by: "juliet@capulet.example" });
  const table = tableFromElement(message) as LuaTable;
  table.set("key", `key-${i.toString(36).padStart(8, "0")}-NmmB2o0UaQtrdQSl`);
  table.set("when", 1696325408 + i);
  table.set("with", "romeo@montague.example");
  return table;
}

function time<T>(run: () => T, repeat = 3): { seconds: number; result: T } {
  let best = Infinity;
  let result!: T;
  for (let i = 0; i < repeat; i++) {
    const start = process.cpuUsage();
    result = run();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1e6);
  }
  return { seconds: best, result };
}

const items = Array.from({ length: COUNT }, (_, i) => archiveItem(i));
const write = time(() => items.map((item) => serializeListItem(item)).join(""));
const bytes = Buffer.from(write.result, "latin1");
const mb = bytes.length / 1e6;

const parse = time(() => parseListItems(bytes, "bench.list"));
if (parse.result.items.length !== COUNT) throw new Error("parse lost items");
const scan = time(() => scanListItems(bytes, "bench.list", ["key", "when", "with"]));
if (scan.result.items.length !== COUNT) throw new Error("scan lost items");
const stanzas = time(() => parseStanzaItems(bytes, "bench.list"));
if (stanzas.result.items.length !== COUNT) throw new Error("stanza parse lost items");

let luaSeconds = NaN;
const dir = mkdtempSync(join(tmpdir(), "xs-bench-lua-"));
try {
  const file = join(dir, "bench.list");
  writeFileSync(file, bytes);
  const script = `
    local best = math.huge
    for _ = 1, 3 do
      local items = {}
      local t0 = os.clock()
      local f = assert(loadfile(arg[1], "t", { item = function(i) table.insert(items, i) end }))
      f()
      local t = os.clock() - t0
      assert(#items == ${COUNT})
      if t < best then best = t end
    end
    io.write(string.format("%.6f", best))`;
  luaSeconds = Number(execFileSync("lua5.4", ["-e", script.replaceAll("arg[1]", JSON.stringify(file))], { encoding: "utf8" }));
} catch (error) {
  console.error(`lua5.4 baseline unavailable: ${(error as Error).message}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const row = (name: string, seconds: number): string =>
  `| ${name.padEnd(34)} | ${(COUNT / seconds).toFixed(0).padStart(10)} | ${(mb / seconds).toFixed(1).padStart(7)} | ${(seconds * 1000).toFixed(0).padStart(7)} | ${(luaSeconds / seconds).toFixed(2).padStart(9)} |`;
console.log(`${COUNT} archive items, ${mb.toFixed(1)} MB of Lua`);
console.log(`| ${"operation".padEnd(34)} | ${"items/s".padStart(10)} | ${"MB/s".padStart(7)} | ${"ms".padStart(7)} | ${"vs Lua".padStart(9)} |`);
console.log(`|${"-".repeat(36)}|${"-".repeat(12)}|${"-".repeat(9)}|${"-".repeat(9)}|${"-".repeat(11)}|`);
console.log(row("Prosody's reader (lua5.4 loadfile)", luaSeconds));
console.log(row("parseListItems", parse.seconds));
console.log(row("parseStanzaItems (to ltx Elements)", stanzas.seconds));
console.log(row("scanListItems (key, when, with)", scan.seconds));
console.log(row("serializeListItem", write.seconds));
