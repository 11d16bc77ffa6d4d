// Every ```ts block of README.md, run as written: each against a fresh manager on a temporary
// data directory (blocks that make their own manager get their "/var/lib/prosody" moved there),
// with the variables the prose assumes (`sm`, `message`, …). A statement whose comment starts
// with a value (`nodeprep("Straße"); // "strasse"`, `await muc.rooms(); // ["lounge@…"]`) must
// evaluate to that value.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { inspect, isDeepStrictEqual } from "node:util";
import * as xmppstore from "../../src/index.js";

const README = fileURLToPath(new URL("../../README.md", import.meta.url));
const INDEX = pathToFileURL(fileURLToPath(new URL("../../src/index.ts", import.meta.url))).href;

interface Block {
  line: number;
  code: string;
}

function tsBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== "```ts") continue;
    const start = i + 1;
    while (i + 1 < lines.length && lines[++i] !== "```");
    blocks.push({ line: start + 1, code: lines.slice(start, i).join("\n") });
  }
  return blocks;
}

/**
 * The value a trailing comment announces: the comment (or its part before a ";" or ":") read as
 * a JavaScript literal (`"strasse"`, `true`, `["a"]`, `{ version: 3, pending: {} }`). Comments
 * that only describe (`Element | undefined`, `[{ jid, since }]`, `{ subscription: "both", ... }`)
 * do not read as one and are not checked.
 */
function announced(comment: string): { source: string } | undefined {
  const text = comment.trim();
  if (!/^(["[{\d-]|true|false|null|undefined)/.test(text)) return undefined;
  for (const candidate of [text, text.split(";")[0]!, text.split(":")[0]!]) {
    try {
      new Function(`"use strict"; return (${candidate});`)();
      return { source: candidate.trim() };
    } catch {
      // not a literal: try the shorter candidate
    }
  }
  return undefined;
}

/** The block as a module: imports from "xmppstore" go to src/index.ts, announced values are checked. */
function moduleOf(block: Block, dataDir: string): string {
  const imports: string[] = [];
  const body: string[] = [];
  for (const line of block.code.split("\n")) {
    if (/^import /.test(line)) {
      imports.push(line.replace(/from "xmppstore";/, `from ${JSON.stringify(INDEX)};`));
      continue;
    }
    const moved = line.replaceAll('"/var/lib/prosody"', JSON.stringify(dataDir));
    const statement = /^(\s*)(?!const |let |for |\/\/)(.+?);\s*\/\/\s*(.*)$/.exec(moved);
    const expected = statement ? announced(statement[3]!) : undefined;
    body.push(
      statement && expected
        ? `${statement[1]}__expect((${statement[2]}), (${expected.source}), ${JSON.stringify(line.trim())});`
        : moved,
    );
  }
  const context = Object.keys(xmppstore).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name));
  return [
    ...imports,
    "export async function run(__ctx: any) {",
    `  let { sm, message, presenceStanza, iq, reply, console, __expect, ${context.join(", ")} } = __ctx;`,
    "  {",
    body.join("\n"),
    "  }",
    "}",
  ].join("\n");
}

describe("README.md code examples", () => {
  const blocks = tsBlocks(readFileSync(README, "utf8"));

  it("has examples to run", () => assert.ok(blocks.length >= 10, `${blocks.length} blocks`));

  for (const block of blocks) {
    it(`the example at README.md line ${block.line} runs, with the values its comments announce`, async (t) => {
      const dir = await mkdtemp(join(tmpdir(), "xs-readme-"));
      const sm = new xmppstore.StorageManager({ data_path: dir });
      t.after(async () => {
        await sm.close();
        await rm(dir, { recursive: true, force: true });
      });
      const file = join(dir, "example.ts");
      await writeFile(file, moduleOf(block, dir));
      const { run } = (await import(pathToFileURL(file).href)) as { run: (ctx: unknown) => Promise<void> };
      let checked = 0;
      await run({
        ...xmppstore,
        sm,
        message: new xmppstore.Element("message", { from: "romeo@montague.example/x", to: "juliet@example.com", type: "chat" }).c("body").t("Hi").root(),
        presenceStanza: new xmppstore.Element("presence", { type: "subscribe" }),
        iq: new xmppstore.Element("iq", { type: "set" }).c("query", { xmlns: "urn:xmpp:mam:2" }).root(),
        reply: new xmppstore.Element("iq", { type: "result" }),
        console: { log: () => undefined },
        __expect: (actual: unknown, expected: unknown, statement: string) => {
          checked++;
          const same = isDeepStrictEqual(actual, expected) ||
            (actual !== undefined && expected !== undefined && xmppstore.valuesEqual(actual as never, expected as never));
          assert.ok(same, `README.md line ${block.line}ff: ${statement} gave ${inspect(actual)}`);
        },
      });
      t.diagnostic(`${checked} announced values checked`);
    });
  }
});
