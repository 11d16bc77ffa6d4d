import { isTable, type Value, type ValueObject } from "../values/index.js";
import { hostOptions, invalidInput, pairsOf, type StoreScope } from "./common.js";
import { storedUsername } from "./jid.js";

const STORE = "account_roles";

/**
 * Prosody 13's built-in roles with the priority mod_authz_internal registers them with: a role
 * of higher priority inherits every lower one (operator > admin > member > registered > guest).
 */
export const PROSODY_ROLE_PRIORITY: Readonly<Record<string, number>> = Object.freeze({
  "prosody:guest": 15,
  "prosody:registered": 25,
  "prosody:member": 35,
  "prosody:admin": 50,
  "prosody:operator": 75,
});

/** A user's roles: the primary one (absent: the host's `default_user_role`) and any others. */
export interface AccountRoles {
  primary?: string;
  secondary: string[];
}

/**
 * Roles as Prosody 13's mod_authz_internal keeps them in `account_roles`:
 * `{ _default = PRIMARY, [SECONDARY] = true, … }`. As there, setting the host's default role as
 * primary stores no `_default`, and a primary role is never also kept as a secondary one. Role
 * names are not checked against a registry (custom roles come from the server's configuration).
 */
export interface AccountRolesStore {
  get(user: string): Promise<AccountRoles>;
  setPrimary(user: string, role: string): Promise<void>;
  addSecondary(user: string, role: string): Promise<void>;
  removeSecondary(user: string, role: string): Promise<void>;
}

/** The roles a stored `account_roles` value holds (keys other than `_default` with a true value). */
export function accountRolesOf(value: Value | undefined): AccountRoles {
  const out: AccountRoles = { secondary: [] };
  for (const [key, inner] of pairsOf(value)) {
    if (typeof key !== "string") continue;
    if (key === "_default") {
      if (typeof inner === "string") out.primary = inner;
    } else if (inner !== false) {
      out.secondary.push(key);
    }
  }
  out.secondary.sort();
  return out;
}

/** The stored form of {@link AccountRoles}. */
export function accountRolesValue(roles: AccountRoles): ValueObject {
  const value: ValueObject = {};
  if (roles.primary !== undefined) value._default = roles.primary;
  for (const role of roles.secondary) if (role !== roles.primary) value[role] = true;
  return value;
}

/** How a Prosody 0.12 `roles` record became Prosody 13's `account_roles`. */
export interface RoleConversion {
  /** The roles the 0.12 record grants, sorted. */
  from: string[];
  roles: AccountRoles;
  /** Why there is no primary role though there were roles (several, none of them Prosody's). */
  note?: string;
}

/**
 * Converts 0.12's `roles` record (`{ ["prosody:admin"] = true, … }`, mod_authz_internal 0.12) to
 * 13's roles: the highest-priority role of Prosody's hierarchy becomes primary and the others
 * secondary. Keys starting with `_` are skipped (as 13's `mod_authz_internal migrate` does) and
 * so are roles stored as `false` (0.12 grants a role only for a true value). A single unknown
 * (custom) role becomes primary, as 13's own migration makes it; several unknown roles and no
 * known one stay secondary, the user keeping the host's default role. `undefined` when the
 * record grants nothing.
 */
export function convertProsody012Roles(value: Value | undefined): RoleConversion | undefined {
  if (value === undefined || !isTable(value)) return undefined;
  const granted: string[] = [];
  for (const [key, inner] of pairsOf(value)) {
    if (typeof key === "string" && !key.startsWith("_") && inner !== false) granted.push(key);
  }
  if (granted.length === 0) return undefined;
  granted.sort();
  const known = granted.filter((role) => PROSODY_ROLE_PRIORITY[role] !== undefined);
  known.sort((a, b) => PROSODY_ROLE_PRIORITY[b]! - PROSODY_ROLE_PRIORITY[a]!);
  const primary = known[0] ?? (granted.length === 1 ? granted[0] : undefined);
  const roles: AccountRoles = { secondary: granted.filter((role) => role !== primary) };
  if (primary !== undefined) roles.primary = primary;
  const conversion: RoleConversion = { from: granted, roles };
  if (primary === undefined) conversion.note = "several roles, none of Prosody's own: all kept as secondary, the primary role is the host's default";
  return conversion;
}

function checkRole(scope: StoreScope, role: unknown): string {
  if (typeof role !== "string" || role === "" || role.startsWith("_")) {
    throw invalidInput(STORE, scope, `a role name must be a non-empty string not starting with "_", got ${JSON.stringify(role)}`);
  }
  return role;
}

export function accountRolesStore(scope: StoreScope): AccountRolesStore {
  const map = () => scope.sm.open(scope.host, STORE, "map");
  const defaultRole = (): string => {
    const options = hostOptions(scope);
    const configured = options.default_user_role;
    if (typeof configured === "string") return configured;
    return options.authentication === "anonymous" ? "prosody:guest" : "prosody:registered";
  };
  return {
    async get(user) {
      return accountRolesOf(await (await scope.sm.open(scope.host, STORE)).get(storedUsername(user)));
    },
    async setPrimary(user, role) {
      const name = storedUsername(user);
      const checked = checkRole(scope, role);
      const store = await map();
      // mod_authz_internal's set_user_role: the default role is not stored, and the primary
      // role stops being a secondary one, in one change of the user's record.
      await store.setKeys(name, { _default: checked === defaultRole() ? store.remove : checked, [checked]: store.remove });
    },
    async addSecondary(user, role) {
      await (await map()).set(storedUsername(user), checkRole(scope, role), true);
    },
    async removeSecondary(user, role) {
      await (await map()).set(storedUsername(user), checkRole(scope, role), undefined);
    },
  };
}
