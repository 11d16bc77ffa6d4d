import assert from "node:assert/strict";
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Element } from "ltx";
import { encodeListItem, scanList } from "../../src/backends/internal/codec.js";
import { scanWholeFile } from "../../src/backends/internal/list-file.js";

test("indexing a file a chunk at a time finds what one whole read finds, torn tail included", () => {
  const dir = mkdtempSync(join(tmpdir(), "xs-chunks-"));
  try {
    const items: Buffer[] = [];
    for (let i = 0; i < 40; i++) {
      const body = i === 17 ? "long ".repeat(200) : `message ${i}`;
      const stanza = new Element("message", { type: "chat" }).c("body").t(body).root();
      items.push(encodeListItem(stanza, `id-${i}`, 1_700_000_000 + i, i % 3 === 0 ? undefined : "romeo@montague.example"));
    }
    const whole = Buffer.concat([...items, items[0].subarray(0, 25)]);
    const file = join(dir, "alice.list");
    writeFileSync(file, whole);
    const expected = scanList(whole, file, 0, 0);
    const fd = openSync(file, "r");
    try {
      for (const chunk of [64, 100, 333, 1 << 20]) {
        const chunked = scanWholeFile(file, fd, whole.length, chunk);
        assert.deepEqual(chunked, expected, `chunks of ${chunk} bytes`);
      }
    } finally {
      closeSync(fd);
    }
    assert.equal(expected.items.length, 40);
    assert.ok(expected.end < whole.length, "the torn tail is left out");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
