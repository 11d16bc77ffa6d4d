import type { LuaValue } from "./lua/interpret.js";
import type { ConfigOption, ProsodyConfigFile } from "./prosody-cfg.js";

/** Modules Prosody 0.12 and 13 load on every VirtualHost without being named. */
const AUTOLOADED = ["presence", "message", "iq", "offline", "c2s", "s2s", "s2s_auth_certs"];

/** Global modules a Component also loads (Prosody's modulemanager: component_inheritable_modules). */
const COMPONENT_INHERITED = new Set(["tls", "saslauth", "dialback", "iq", "s2s", "s2s_bidi", "smacks", "server_contact_info"]);

function names(option: ConfigOption | undefined): string[] {
  const value: LuaValue | undefined = option?.value;
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/**
 * The modules Prosody loads on each host of a configuration file, worked out as its
 * modulemanager does: autoloaded and globally enabled modules minus the globally disabled ones
 * (for a Component only those it inherits, plus its component module), then the host's own
 * `modules_enabled`, minus its `modules_disabled`.
 */
export function prosodyHostModules(file: ProsodyConfigFile): Map<string, Set<string>> {
  const globalDisabled = new Set(names(file.global.get("modules_disabled")));
  const global = [...AUTOLOADED, ...names(file.global.get("modules_enabled"))].filter((m) => !globalDisabled.has(m));
  const out = new Map<string, Set<string>>();
  for (const [host, section] of file.hosts) {
    const component = section.kind === "Component";
    const inherited = component ? global.filter((m) => COMPONENT_INHERITED.has(m)) : global;
    const modules = new Set([...inherited, ...names(section.options.get("modules_enabled"))]);
    if (component && section.module && section.module !== "component") modules.add(section.module);
    for (const m of names(section.options.get("modules_disabled"))) modules.delete(m);
    out.set(host, modules);
  }
  return out;
}
