import type { CliIO } from "../../src/cli/io.js";

/** A CliIO that records what a command writes. */
export function captureIO(extra: Partial<CliIO> = {}): CliIO & { stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: (text) => void out.push(text),
    err: (text) => void err.push(text),
    stdout: () => out.join(""),
    stderr: () => err.join(""),
    ...extra,
  };
}
