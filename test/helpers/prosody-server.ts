/**
 * A real Prosody server (0.12 or 13) for one test, on data that a {@link ProsodyEnv} holds:
 * its own configuration file, log, pidfile and certificate directory in a temp directory, c2s on
 * a free loopback port without TLS, nothing else listening, never daemonized. It never reads or
 * writes /etc/prosody or /var/lib/prosody.
 *
 * ```ts
 * const server = await startProsodyServer(env, { host: "example.com", modules: ["roster", "mam"] });
 * t.after(() => server.stop());          // always stopped, even when the test fails
 * // ... connect to 127.0.0.1:server.port ...
 * await server.stop();                   // before reading what Prosody wrote
 * ```
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, connect } from "node:net";
import { join } from "node:path";
import { LUA, prosodyProcessEnv, prosodySourceDir, type ProsodyVersion } from "./prosody.js";
import { prosodyTempDir, type ProsodyEnv } from "./prosody-env.js";

export interface ProsodyServerOptions {
  host: string;
  /** modules_enabled, besides what every server here needs. */
  modules: string[];
  /** More global options, as Lua source lines (`archive_expires_after = "never"`). */
  extraConfig?: string[];
}

export interface ProsodyServer {
  version: ProsodyVersion;
  port: number;
  /** The server's log file (debug level). */
  logFile: string;
  log(): Promise<string>;
  /** Stops the server (SIGTERM, then SIGKILL after 10 s) and removes its directory; idempotent. */
  stop(): Promise<void>;
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** A Lua string literal for a path or name (JSON's escapes are Lua's for these). */
const lua = (text: string) => JSON.stringify(text);

function luaValue(value: unknown): string {
  if (typeof value === "string") return lua(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value && typeof value === "object") {
    return `{ ${Object.entries(value).map(([k, v]) => `[${lua(k)}] = ${luaValue(v)}`).join("; ")} }`;
  }
  throw new Error(`cannot write ${String(value)} into a Prosody configuration`);
}

function configFile(env: ProsodyEnv, options: ProsodyServerOptions, dir: string, port: number): string {
  const hostOptions = env.setup.hosts[options.host] ?? {};
  // 0.12 writes the pidfile from mod_posix (which refuses root without run_as_root); 13 itself.
  const modules = [...(env.version === "0.12" ? ["posix"] : []), ...options.modules];
  const lines = [
    `-- written by xmppstore's tests (test/helpers/prosody-server.ts)`,
    `data_path = ${lua(env.setup.dataPath)}`,
    `pidfile = ${lua(join(dir, "prosody.pid"))}`,
    `daemonize = false`,
    ...(process.getuid?.() === 0 ? ["run_as_root = true"] : []),
    `log = { { levels = { min = "debug" }, to = "file", filename = ${lua(join(dir, "prosody.log"))} } }`,
    `certificates = ${lua(join(dir, "certs"))}`,
    `interfaces = { "127.0.0.1" }`,
    `local_interfaces = { "127.0.0.1" }`,
    `c2s_interfaces = { "127.0.0.1" }`,
    `c2s_ports = { ${port} }`,
    `c2s_direct_tls_ports = {}`,
    `legacy_ssl_ports = {}`,
    `s2s_ports = {}`,
    `s2s_direct_tls_ports = {}`,
    `component_ports = {}`,
    `http_ports = {}`,
    `https_ports = {}`,
    `c2s_require_encryption = false`,
    `s2s_require_encryption = false`,
    `allow_registration = false`,
    `authentication = "internal_hashed"`,
    `modules_enabled = { ${modules.map(lua).join(", ")} }`,
    `modules_disabled = { "s2s" }`,
    ...(options.extraConfig ?? []),
    ...Object.entries(hostOptions).map(([name, value]) => `${name} = ${luaValue(value)}`),
    `VirtualHost ${lua(options.host)}`,
  ];
  return `${lines.join("\n")}\n`;
}

/** The launcher: Debian's /usr/bin/prosody for 0.12, the built tree's `prosody` script for 13. */
function launcher(version: ProsodyVersion): string[] {
  return version === "0.12" ? ["/usr/bin/prosody"] : [LUA, join(prosodySourceDir(version), "prosody")];
}

/** Resolves once the port accepts connections; rejects when the process ends first or after `ms`. */
async function waitForPort(port: number, child: ChildProcess, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`Prosody exited (${child.exitCode ?? child.signalCode}) before listening`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Prosody did not listen on ${port} within ${ms} ms`);
}

/** Starts Prosody `env.version` on the data of `env`; see the module comment. */
export async function startProsodyServer(env: ProsodyEnv, options: ProsodyServerOptions): Promise<ProsodyServer> {
  const dir = await prosodyTempDir("xs-prosody-server-");
  await mkdir(join(dir, "certs"));
  const port = await freePort();
  const file = join(dir, "prosody.cfg.lua");
  await writeFile(file, configFile(env, options, dir, port));
  const [command, ...args] = launcher(env.version);
  const output: Buffer[] = [];
  const child = spawn(command!, [...args, "--config", file, "-F"], { cwd: dir, env: prosodyProcessEnv(env.version), stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (chunk: Buffer) => output.push(chunk));
  child.stderr!.on("data", (chunk: Buffer) => output.push(chunk));
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const logFile = join(dir, "prosody.log");
  const log = () => readFile(logFile, "utf8").catch(() => "");
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      if (!process.env.XS_KEEP_PROSODY_LOG) await rm(dir, { recursive: true, force: true });
    })());
  try {
    await waitForPort(port, child, 30_000);
  } catch (error) {
    const text = `${(error as Error).message}\n${Buffer.concat(output).toString("utf8")}\n${(await log()).split("\n").filter((l) => /error|warn/.test(l)).join("\n")}`;
    await stop();
    throw new Error(text);
  }
  return { version: env.version, port, logFile, log, stop };
}
