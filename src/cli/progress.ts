import type { MigrationFailure, MigrationProgress } from "../jobs/migrate.js";
import type { CliIO } from "./io.js";

export interface ProgressOptions {
  /** Where progress goes (stderr). */
  write: (text: string) => void;
  /** A terminal gets a live bar redrawn in place; anything else periodic lines. */
  isTTY: boolean;
  /** Milliseconds between lines when not on a terminal. Default 5000. */
  lineInterval?: number;
  /** Milliseconds between redraws of the bar. Default 100. */
  barInterval?: number;
  /** What the work is called in the opening line when not on a terminal. Default "migrating". */
  action?: string;
  /** Clock in milliseconds (tests pass their own). */
  now?: () => number;
}

export interface ProgressReporter extends MigrationProgress {
  /** Draws the final state (and ends the bar's line). */
  finish(): void;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}

const count = (n: number) => n.toLocaleString("en-US");

/**
 * Shows a migration's progress: items moved of those planned, rate and time left, from the
 * rate so far. A bar on a terminal, one line every few seconds otherwise.
 */
export function progressReporter(options: ProgressOptions): ProgressReporter {
  const now = options.now ?? (() => performance.now());
  const started = now();
  let total = 0;
  let moved = 0;
  let failures = 0;
  let lastDraw = -Infinity;
  let drawnBar = false;
  let began = false;

  const status = (): { percent: number; text: string } => {
    const elapsed = (now() - started) / 1000;
    const rate = elapsed > 0 ? moved / elapsed : 0;
    const left = total > moved && rate > 0 ? (total - moved) / rate : total > moved ? Infinity : 0;
    const percent = total > 0 ? Math.min(100, Math.floor((moved / total) * 100)) : 100;
    const failed = failures > 0 ? `, ${count(failures)} failed` : "";
    return {
      percent,
      text: `${count(moved)}/${count(total)} items (${percent}%), ${count(Math.round(rate))} items/s, ETA ${duration(left)}${failed}`,
    };
  };

  const draw = (force: boolean): void => {
    const t = now();
    const interval = options.isTTY ? (options.barInterval ?? 100) : (options.lineInterval ?? 5000);
    if (!force && t - lastDraw < interval) return;
    lastDraw = t;
    const { percent, text } = status();
    if (options.isTTY) {
      const filled = Math.round(percent / 5);
      options.write(`\r[${"#".repeat(filled)}${"-".repeat(20 - filled)}] ${text}\x1b[K`);
      drawnBar = true;
    } else options.write(`progress: ${text}\n`);
  };

  return {
    planned(plan) {
      began = true;
      total = plan.items;
      const action = options.action ?? "migrating";
      if (!options.isTTY) options.write(`${action} ${count(plan.items)} items (${count(plan.units)} user stores)\n`);
      lastDraw = now();
    },
    moved(n) {
      moved += n;
      draw(false);
    },
    failed(failure: MigrationFailure) {
      failures++;
      const line = `failed: ${failure.error}\n`;
      options.write(options.isTTY && drawnBar ? `\r\x1b[K${line}` : line);
      drawnBar = false;
    },
    finish() {
      // Work that failed before it was planned has no progress to show.
      if (!began) return;
      draw(true);
      if (options.isTTY) options.write("\n");
    },
  };
}

/**
 * Runs `work` with a progress reporter on the command's stderr (none when `quiet`), finished
 * whatever happens: the way stats and prune show the progress of a job.
 */
export async function withProgress<T>(io: CliIO, quiet: boolean, action: string, work: (progress: ProgressReporter | undefined) => Promise<T>): Promise<T> {
  const progress = quiet ? undefined : progressReporter({ write: io.err, isTTY: io.errIsTTY ?? false, action });
  try {
    return await work(progress);
  } finally {
    progress?.finish();
  }
}
