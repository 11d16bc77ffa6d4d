// The accounts commands against real Prosody, 0.12 and 13: an account xmppstore adds logs in
// through Prosody's usermanager, and one Prosody adds (0.12: with the prosodyctl binary)
// verifies in xmppstore, is changed and deleted by it; disable/enable as 13 reads them.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { Readable } from "node:stream";
import { stores } from "../../src/stores/index.js";
import { needService } from "../helpers/services.js";
import { PROSODY_VERSIONS, prosodyAvailable, prosodyInstallHint, type ProsodyVersion } from "../helpers/prosody.js";
import { prosodyEnvAvailable, type ProsodyEnvKind } from "../helpers/prosody-env.js";
import { prosodyAccounts } from "../helpers/prosody-accounts.js";
import { KINDS, operatorEnv, xmppstore } from "./operator-env.js";
import type { TestContext } from "node:test";

const PROSODYCTL = "/usr/bin/prosodyctl";
const HOST = "example.com";

/** `prosodyctl --config CFG ARGS…` (Debian's 0.12) with `input` on stdin (its password prompts read from there). */
function prosodyctl(cfg: string, args: string[], input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(PROSODYCTL, ["--config", cfg, ...args], { timeout: 60_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`prosodyctl ${args.join(" ")}: ${error.message}\n${stdout}${stderr}`)) : resolve(),
    );
    child.stdin!.end(input);
  });
}

async function prosodyReady(t: TestContext, version: ProsodyVersion, kind: ProsodyEnvKind): Promise<boolean> {
  if (!needService(t, `prosody ${version}`, prosodyAvailable(version), prosodyInstallHint(version))) return false;
  if (version === "0.12" && !needService(t, "prosodyctl", existsSync(PROSODYCTL), "apt-get install prosody")) return false;
  return needService(t, `prosody-${kind}`, await prosodyEnvAvailable(kind), "lua-dbi driver, database server");
}

const stdin = (text: string) => ({ stdin: Readable.from([text]) });

for (const version of PROSODY_VERSIONS) {
  for (const kind of KINDS) {
    describe(`accounts commands interoperate with Prosody ${version} (${kind})`, () => {
      it("xmppstore user add → Prosody verifies; Prosody's adduser → xmppstore verifies, changes and deletes", async (t) => {
        if (!(await prosodyReady(t, version, kind))) return;
        const options = { password_hash: "SHA-256" };
        const o = await operatorEnv(t, kind, { [HOST]: options }, {}, version);
        if (!o) return;
        const prosody = (ops: Parameters<typeof prosodyAccounts>[3]) => prosodyAccounts(o.env, HOST, options, ops);

        const added = await xmppstore(["user", "add", "--from", o.from, "--password-stdin", `juliet@${HOST}`], stdin("wherefore art thou\n"));
        assert.equal(added.status, 0, added.stderr);
        assert.deepEqual(await prosody([{ op: "test", user: "juliet", password: "wherefore art thou" }, { op: "test", user: "juliet", password: "wherefore" }]), [true, false]);

        // 0.12: the prosodyctl binary; 13's prosodyctl adduser needs a running server, so its usermanager directly.
        if (version === "0.12") await prosodyctl(o.cfg, ["adduser", `romeo@${HOST}`], "montague\nmontague\n");
        else assert.deepEqual(await prosody([{ op: "create", user: "romeo", password: "montague" }]), [true]);
        assert.match((await xmppstore(["user", "list", "--from", o.from, HOST])).stdout, /^romeo +enabled$/m);
        await o.withManager(async (sm) => {
          assert.equal(await stores(sm).accounts(HOST).verify("romeo", "montague"), true);
          assert.equal(await stores(sm).accounts(HOST).verify("romeo", "capulet"), false);
        }, options);
        const passwd = await xmppstore(["user", "passwd", "--from", o.from, "--password-stdin", `romeo@${HOST}`], stdin("capulet\n"));
        assert.equal(passwd.status, 0, passwd.stderr);
        assert.deepEqual(await prosody([{ op: "test", user: "romeo", password: "capulet" }]), [true]);

        const deleted = await xmppstore(["user", "delete", "--from", o.from, `romeo@${HOST}`]);
        assert.equal(deleted.status, 0, deleted.stderr);
        assert.match(deleted.stdout, /accounts \(keyval store/);
        assert.deepEqual(await prosody([{ op: "exists", user: "romeo" }, { op: "exists", user: "juliet" }]), [false, true]);
      });
    });
  }
}

describe("disable and enable as Prosody 13 reads them", () => {
  for (const kind of ["internal", "sqlite"] as const) {
    it(`an account disabled here cannot log in to Prosody 13, enabled again it can; 13's own disable shows here (${kind})`, async (t) => {
      if (!(await prosodyReady(t, "13", kind))) return;
      const o = await operatorEnv(t, kind, { [HOST]: {} }, {}, "13");
      if (!o) return;
      const p13 = (ops: Parameters<typeof prosodyAccounts>[3]) => prosodyAccounts(o.env, HOST, {}, ops);
      assert.deepEqual(await p13([{ op: "create", user: "juliet", password: "pw" }, { op: "create", user: "romeo", password: "pw" }]), [true, true]);
      assert.equal((await xmppstore(["user", "disable", "--from", o.from, `juliet@${HOST}`])).status, 0);
      assert.deepEqual(await p13([{ op: "test", user: "juliet", password: "pw" }, { op: "enabled", user: "juliet" }]), [false, false]);
      assert.equal((await xmppstore(["user", "enable", "--from", o.from, `juliet@${HOST}`])).status, 0);
      assert.deepEqual(await p13([{ op: "test", user: "juliet", password: "pw" }, { op: "enabled", user: "juliet" }, { op: "disable", user: "romeo" }]), [true, true, true]);
      assert.equal((await xmppstore(["user", "list", "--from", o.from, HOST])).stdout, "USER    STATUS\njuliet  enabled\nromeo   disabled\n");
      await o.withManager(async (sm) => {
        const record = (await (await sm.open(HOST, "accounts")).get("juliet")) as Record<string, unknown>;
        assert.equal(typeof record.created, "number", "13's fields are kept");
        assert.equal(record.disabled, undefined);
      });
    });
  }
});
