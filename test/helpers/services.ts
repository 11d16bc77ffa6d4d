import { execFileSync } from "node:child_process";
import type { TestContext } from "node:test";

/** True when running in CI, where every service a test needs must be there. */
export const IN_CI = process.env.CI === "true";

/**
 * Reports whether an external service is usable. In CI a missing service fails the test
 * (it must never be skipped there); on a laptop without it the test is skipped.
 */
export function needService(t: TestContext, name: string, available: boolean, why = ""): boolean {
  if (available) return true;
  const message = `${name} is not available${why ? `: ${why}` : ""}`;
  if (IN_CI) throw new Error(`${message} (required in CI)`);
  t.skip(message);
  return false;
}

/** True when a command runs and exits 0. */
export function commandWorks(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: "ignore", timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}
