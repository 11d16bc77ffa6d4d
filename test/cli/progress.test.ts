import { test } from "node:test";
import assert from "node:assert/strict";
import { progressReporter } from "../../src/cli/progress.js";

test("progress: periodic lines off a terminal, with rate and ETA", () => {
  let clock = 0;
  const written: string[] = [];
  const p = progressReporter({ write: (t) => written.push(t), isTTY: false, lineInterval: 1000, now: () => clock });
  p.planned!({ units: 3, items: 1000 });
  clock = 500;
  p.moved!(100); // too soon for a line
  clock = 1000;
  p.moved!(100);
  clock = 2000;
  p.failed!({ host: "h", store: "s", type: "keyval", user: "u", error: "boom" });
  p.finish();
  assert.deepEqual(written, [
    "migrating 1,000 items (3 user stores)\n",
    "progress: 200/1,000 items (20%), 200 items/s, ETA 0:04\n",
    "failed: boom\n",
    "progress: 200/1,000 items (20%), 100 items/s, ETA 0:08, 1 failed\n",
  ]);
});

test("progress: a bar redrawn in place on a terminal, ended by a newline", () => {
  let clock = 0;
  const written: string[] = [];
  const p = progressReporter({ write: (t) => written.push(t), isTTY: true, barInterval: 100, now: () => clock });
  p.planned!({ units: 1, items: 10 });
  clock = 1000;
  p.moved!(5);
  clock = 2000;
  p.moved!(5);
  p.finish();
  assert.equal(written.length, 4);
  assert.equal(written[0], "\r[##########----------] 5/10 items (50%), 5 items/s, ETA 0:01\x1b[K");
  assert.match(written[2], /^\r\[#{20}\] 10\/10 items \(100%\), 5 items\/s, ETA 0:00/);
  assert.equal(written[3], "\n");
});
