/** The comparison table the backend benchmarks print: per-operation times and Prosody/xmppstore. */
export interface Row {
  name: string;
  /** Prosody's milliseconds per operation, when measured. */
  prosody?: number;
  ours: number;
  note?: string;
}

export function format(ms: number | undefined): string {
  if (ms === undefined) return "—";
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${(ms * 1000).toFixed(1)} µs`;
}

export function printTable(rows: Row[]): void {
  const lines = rows.map((r) => [r.name, format(r.prosody), format(r.ours), r.prosody === undefined ? "—" : `${(r.prosody / r.ours).toFixed(1)}x`, r.note ?? ""]);
  const header = ["workload (per operation)", "Prosody 0.12", "xmppstore", "Prosody/xmppstore", ""];
  const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c].length)));
  const show = (cells: string[]) => cells.map((cell, c) => (c === 0 || c === 4 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ");
  console.log(show(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const line of lines) console.log(show(line));
}
