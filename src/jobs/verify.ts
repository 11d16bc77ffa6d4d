import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { DataSource } from "./data-source.js";
import { dump, type DumpOptions } from "./dump.js";

export interface VerifyReport {
  equal: boolean;
  /** Lines compared (the shorter dump's length when they differ). */
  lines: number;
  /** The first line that differs, 1-based, with both sides (undefined: that dump ended). */
  difference?: { line: number; from?: string; to?: string };
}

/** Writes a source's dump to a file, streaming. */
async function dumpToFile(source: DataSource, file: string, options: DumpOptions = {}): Promise<void> {
  const out = createWriteStream(file);
  try {
    await dump(source, (chunk) => (out.write(chunk) ? undefined : once(out, "drain")), options);
  } finally {
    out.end();
    await once(out, "close");
  }
}

/**
 * Compares the canonical dumps of two sources (the same selection of each), streamed through
 * temporary files so neither is held in memory; reports the first differing line.
 */
export async function verifySources(from: DataSource, to: DataSource, options: DumpOptions = {}): Promise<VerifyReport> {
  const dir = await mkdtemp(join(tmpdir(), "xmppstore-verify-"));
  try {
    const [a, b] = [join(dir, "from.json"), join(dir, "to.json")];
    await dumpToFile(from, a, options);
    await dumpToFile(to, b, options);
    const left = createInterface({ input: createReadStream(a), crlfDelay: Infinity })[Symbol.asyncIterator]();
    const right = createInterface({ input: createReadStream(b), crlfDelay: Infinity })[Symbol.asyncIterator]();
    for (let line = 1; ; line++) {
      const [x, y] = await Promise.all([left.next(), right.next()]);
      if (x.done && y.done) return { equal: true, lines: line - 1 };
      if (x.done || y.done || x.value !== y.value) {
        await Promise.all([left.return?.(), right.return?.()]);
        return { equal: false, lines: line - 1, difference: { line, from: x.done ? undefined : x.value, to: y.done ? undefined : y.value } };
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
