import type { ProsodyVersion } from "../contracts/index.js";
import { convertProsody012Roles, accountRolesValue, type RoleConversion } from "../stores/account-roles.js";
import type { Value } from "../values/index.js";
import type { DataSource } from "./data-source.js";
import type { StoreRef } from "./discover.js";
import { prosodyVersionOfTarget } from "./prosody-target.js";
import type { FailureHandler, TargetWriter } from "./target.js";

/** Prosody 0.12's store of roles (mod_authz_internal 0.12) and 13's replacement. */
export const ROLES_012 = "roles";
export const ROLES_13 = "account_roles";

/** One user's 0.12 roles written as 13's `account_roles`, or left alone (with why). */
export interface RoleConversionEntry extends RoleConversion {
  host: string;
  user: string;
}

/** What a migration into a Prosody 13 deployment did with 0.12's `roles` store. */
export interface RolesReport {
  /** Users whose 0.12 roles were written as `account_roles`. */
  converted: RoleConversionEntry[];
  /** Users left as they were, with the reason (the source already had their `account_roles`, …). */
  skipped: Array<{ host: string; user: string; reason: string }>;
}

/**
 * Collects the 0.12 `roles` records a migration copies and, when the target is a Prosody 13
 * deployment, writes each as 13's `account_roles` after everything else is copied (the
 * `roles` records themselves are copied unchanged too: 13 ignores them, nothing is lost).
 * A user whose `account_roles` the source already holds keeps those: they are 13's own.
 */
export class RolesMigration {
  readonly #pending: Array<{ host: string; user: string; value: Value }> = [];
  readonly #explicit: ProsodyVersion | undefined;

  constructor(explicit: ProsodyVersion | undefined) {
    this.#explicit = explicit;
  }

  /** Sees every keyval record the migration copies. */
  saw(ref: StoreRef, user: string | null, value: Value): void {
    if (ref.store === ROLES_012 && ref.type === "keyval" && user !== null) this.#pending.push({ host: ref.host, user, value });
  }

  /** Writes the conversions; `undefined` when there was nothing to convert or the target is not 13. */
  async finish(from: DataSource, to: DataSource, writer: TargetWriter, fail: FailureHandler): Promise<RolesReport | undefined> {
    if (this.#pending.length === 0) return undefined;
    const report: RolesReport = { converted: [], skipped: [] };
    const versions = new Map<string, ProsodyVersion>();
    for (const { host, user, value } of this.#pending) {
      let version = versions.get(host);
      if (version === undefined) {
        version = this.#explicit ?? (await prosodyVersionOfTarget(to, host, ROLES_13));
        versions.set(host, version);
      }
      if (version !== "13") continue;
      const conversion = convertProsody012Roles(value);
      if (conversion === undefined) {
        report.skipped.push({ host, user, reason: "the 0.12 record grants no role" });
        continue;
      }
      const existing = await (await from.manager.open(host, ROLES_13)).get(user);
      if (existing !== undefined) {
        report.skipped.push({ host, user, reason: `the source already has this user's ${ROLES_13} (copied as they are)` });
        continue;
      }
      const ref: StoreRef = { host, store: ROLES_13, type: "keyval" };
      try {
        await writer.keyval(ref, user, accountRolesValue(conversion.roles));
        report.converted.push({ host, user, ...conversion });
      } catch (error) {
        fail(ref, user, error);
      }
    }
    return report.converted.length + report.skipped.length > 0 ? report : undefined;
  }
}

/** Summary lines for the command line. */
export function rolesSummary(report: RolesReport): string[] {
  const lines = [`  roles:    ${report.converted.length} user(s) converted from 0.12's ${ROLES_012} to 13's ${ROLES_13}, ${report.skipped.length} skipped`];
  for (const entry of report.converted) {
    const primary = entry.roles.primary ?? "(host default)";
    const secondary = entry.roles.secondary.length > 0 ? ` + ${entry.roles.secondary.join(", ")}` : "";
    lines.push(`    ${entry.user}@${entry.host}: ${entry.from.join(", ")} -> ${primary}${secondary}${entry.note ? ` (${entry.note})` : ""}`);
  }
  for (const entry of report.skipped) lines.push(`    ${entry.user}@${entry.host}: skipped, ${entry.reason}`);
  return lines;
}
