/** A readable stream, and when it is a terminal, a way to turn echo off (raw mode). */
export type PasswordInput = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

/** Where a command reads its surroundings from and writes to; tests pass their own. */
export interface CliIO {
  /** Results (stdout). A returned promise means "wait before writing more" (backpressure). */
  out: (text: string) => void | Promise<void>;
  /** Progress, warnings and errors (stderr). */
  err: (text: string) => void;
  /** Whether `err` is a terminal (a live progress bar) or not (periodic lines). */
  errIsTTY?: boolean;
  /** Directory relative paths are taken from. Default `process.cwd()`. */
  cwd?: string;
  /** Where passwords are read from (`user add`, `user passwd`). Default `process.stdin`. */
  stdin?: PasswordInput;
  /** Environment for `ENV_*` in configuration files. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /**
   * Aborted when the operator asks the program to stop (SIGINT, SIGTERM); its `reason` is the
   * signal's name. Long work stops at a safe point.
   */
  signal?: AbortSignal;
}
