/**
 * A private, throw-away ejabberd node for tests (Debian's ejabberd 23.01, as
 * /work/shared/ejabberd-facts.md describes): its own directory owned by the ejabberd user,
 * configuration, Mnesia spool and logs; c2s and Erlang distribution on free loopback ports, so
 * no epmd is started or killed and other Erlang nodes stay untouched. `stop()` always runs.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";

const run = promisify(execFile);
const EJABBERDCTL = "/usr/sbin/ejabberdctl";

/** ejabberd is installed and we can switch to its user (ejabberdctl does that as root). */
export function ejabberdAvailable(): boolean {
  if (!existsSync(EJABBERDCTL) || process.getuid?.() !== 0) return false;
  try {
    execFileSync("id", ["-u", "ejabberd"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: "127.0.0.1" });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

export interface EjabberdNode {
  host: string;
  /** c2s port on 127.0.0.1. */
  port: number;
  /** A directory the ejabberd user can read and write (for import files and exports). */
  dir: string;
  /** Runs an ejabberdctl command; resolves with its exit code and output (never rejects on a non-zero exit). */
  ctl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Makes a path (file or directory) the ejabberd user's. */
  give(path: string): void;
  stop(): Promise<void>;
}

function config(host: string, port: number, passwordFormat: "scram" | "plain"): string {
  return `hosts:
  - "${host}"
loglevel: warning
certfiles: []
acme:
  auto: false
listen:
  -
    port: ${port}
    ip: "127.0.0.1"
    module: ejabberd_c2s
    starttls: false
auth_method: internal
auth_password_format: ${passwordFormat}
auth_scram_hash: sha
default_db: mnesia
api_permissions:
  "console commands":
    from:
      - ejabberd_ctl
    who: all
    what: "*"
modules:
  mod_roster: {}
  mod_vcard: {}
  mod_private: {}
  mod_privacy: {}
  mod_blocking: {}
  mod_offline: {}
  mod_caps: {}
  mod_pubsub:
    plugins: ["flat", "pep"]
  mod_mam: {}
  mod_admin_extra: {}
`;
}

/** Starts a node serving `host`; the caller must `stop()` it (t.after). */
export async function startEjabberd(host: string, passwordFormat: "scram" | "plain"): Promise<EjabberdNode> {
  const dir = await mkdtemp(join(tmpdir(), "xs-ejabberd-"));
  await chmod(dir, 0o755);
  const [port, distPort] = [await freePort(), await freePort()];
  await mkdir(join(dir, "log"));
  await mkdir(join(dir, "db"));
  await writeFile(join(dir, "inetrc"), "");
  await writeFile(join(dir, "ejabberd.yml"), config(host, port, passwordFormat));
  await writeFile(join(dir, "ejabberdctl.cfg"), [
    `ERLANG_NODE=xs${randomBytes(4).toString("hex")}@localhost`,
    `ERL_DIST_PORT=${distPort}`,
    `ERL_OPTIONS="-kernel inet_dist_use_interface {127,0,0,1}"`,
    `EJABBERD_CONFIG_PATH=${join(dir, "ejabberd.yml")}`,
    `EJABBERD_PID_PATH=${join(dir, "ejabberd.pid")}`,
    "",
  ].join("\n"));
  const give = (path: string) => execFileSync("chown", ["-R", "ejabberd:ejabberd", path]);
  give(dir);
  const ctl = async (...args: string[]) => {
    const base = ["--ctl-config", join(dir, "ejabberdctl.cfg"), "--config-dir", dir, "--logs", join(dir, "log"), "--spool", join(dir, "db")];
    try {
      const { stdout, stderr } = await run(EJABBERDCTL, [...base, ...args], { timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
    }
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const pidFile = join(dir, "ejabberd.pid");
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8").trim()) : undefined;
    await ctl("stop");
    const alive = () => {
      try {
        process.kill(pid!, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; pid && alive() && i < 100; i++) await new Promise((r) => setTimeout(r, 200));
    if (pid && alive()) process.kill(pid, "SIGKILL");
    await rm(dir, { recursive: true, force: true });
  };
  const started = await ctl("start");
  try {
    if (started.code !== 0) throw new Error(`ejabberdctl start failed: ${started.stdout}${started.stderr}`);
    for (let i = 0; ; i++) {
      if ((await accepts(port)) && (await ctl("status")).code === 0) break;
      if (i > 120) throw new Error(`ejabberd did not start: ${readFileSync(join(dir, "log", "ejabberd.log"), "utf8").slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { host, port, dir, ctl, give, stop };
}
