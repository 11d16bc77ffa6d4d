import { readFileSync } from "node:fs";

/** The package version, read from package.json next to the source or the built output. */
export function packageVersion(): string {
  for (const candidate of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(candidate, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "xmppstore" && pkg.version) return pkg.version;
    } catch {
      // try the next location
    }
  }
  return "unknown";
}
