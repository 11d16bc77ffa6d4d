// Accounts against Prosody's own account code, 0.12 and 13: core.usermanager with
// mod_auth_internal_hashed / mod_auth_internal_plain (what prosodyctl adduser and logins run), on
// internal files and SQLite.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { PROSODY_VERSIONS } from "../helpers/prosody.js";
import { prosodyAccounts as runAccounts, type AuthOp } from "../helpers/prosody-accounts.js";
import { prosodyEnvForTest, type ProsodyEnv, type ProsodyEnvKind } from "../helpers/prosody-env.js";

const HOST = "example.com";
/** Runs account operations through that Prosody's usermanager; resolves with each one's success. */
const prosodyAccounts = (env: ProsodyEnv, options: Record<string, unknown>, ops: AuthOp[]) => runAccounts(env, HOST, options, ops);

for (const version of PROSODY_VERSIONS)
for (const kind of ["internal", "sqlite"] as const satisfies ProsodyEnvKind[]) {
  describe(`accounts interoperate with Prosody ${version}'s usermanager (${kind})`, () => {
    const setup = async (t: import("node:test").TestContext, options: Record<string, unknown> = {}) => {
      const env = await prosodyEnvForTest(t, kind, [HOST], version);
      if (!env) return undefined;
      const sm = new StorageManager({ ...env.xmppstoreConfig, ...options });
      t.after(() => sm.close());
      return { env, sm };
    };

    for (const hash of ["SHA-1", "SHA-256"]) {
      it(`Prosody's adduser and xmppstore's create verify on both sides (password_hash ${hash})`, async (t) => {
        const ctx = await setup(t, { password_hash: hash });
        if (!ctx) return;
        const { env, sm } = ctx;
        const options = { password_hash: hash };
        assert.deepEqual(
          await prosodyAccounts(env, options, [
            { op: "create", user: "juliet", password: "I\u00ADX wherefore" },
            { op: "create", user: "nurse", password: "nurse" },
          ]),
          [true, true],
        );
        const accounts = sm.accounts(HOST);
        assert.equal(await accounts.verify("juliet", "IX wherefore"), true, "SASLprep'd alike");
        assert.equal(await accounts.verify("juliet", "IX Wherefore"), false);
        await accounts.create("romeo", "Montague ärt\u00A0thou");
        await accounts.setPassword("nurse", "n3w");
        assert.deepEqual(
          await prosodyAccounts(env, options, [
            { op: "test", user: "romeo", password: "Montague ärt thou" },
            { op: "test", user: "romeo", password: "montague ärt thou" },
            { op: "test", user: "nurse", password: "n3w" },
            { op: "test", user: "nurse", password: "nurse" },
            { op: "set_password", user: "romeo", password: "changed by Prosody" },
          ]),
          [true, false, true, false, true],
        );
        assert.equal(await accounts.verify("romeo", "changed by Prosody"), true);
      });
    }

    it("plain-text accounts: Prosody's internal_plain writes, xmppstore verifies and upgrades, Prosody's hashed module verifies", async (t) => {
      const ctx = await setup(t);
      if (!ctx) return;
      const { env, sm } = ctx;
      assert.deepEqual(await prosodyAccounts(env, { authentication: "internal_plain" }, [{ op: "create", user: "tybalt", password: "pr\u00EEnce" }]), [true]);
      const stored = (await (await sm.open(HOST, "accounts")).get("tybalt")) as Record<string, unknown>;
      // 13 stamps accounts with their creation and change times.
      const stamps = version === "13" ? { created: stored.created, updated: stored.updated } : {};
      if (version === "13") assert.equal(typeof stored.created, "number");
      assert.deepEqual(stored, { password: "pr\u00EEnce", ...stamps });
      assert.equal(await sm.accounts(HOST).verify("tybalt", "pr\u00EEnce"), true);
      const upgraded = (await (await sm.open(HOST, "accounts")).get("tybalt")) as Record<string, unknown>;
      assert.equal(upgraded.password, undefined);
      assert.deepEqual(await prosodyAccounts(env, {}, [{ op: "test", user: "tybalt", password: "pr\u00EEnce" }]), [true]);
    });

    it("xmppstore on an internal_plain host writes records Prosody's internal_plain reads", async (t) => {
      const ctx = await setup(t, { authentication: "internal_plain" });
      if (!ctx) return;
      const { env, sm } = ctx;
      await sm.accounts(HOST).create("mercutio", "queen mab");
      assert.deepEqual(
        await prosodyAccounts(env, { authentication: "internal_plain" }, [
          { op: "test", user: "mercutio", password: "queen mab" },
          { op: "test", user: "mercutio", password: "queen" },
          { op: "exists", user: "mercutio" },
        ]),
        [true, false, true],
      );
    });
  });
}
