import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Element } from "ltx";
import { collect, rejectsWith, withEnv, type ConformanceTarget } from "../conformance/index.js";
import { prosodyLuaAvailable, runLuaScript } from "./lua.js";
import { needService } from "../helpers/services.js";
import { stores } from "../../src/stores/index.js";

/** The accounts store on one backend: the fixed API of api.md plus Prosody's record shape. */
export function accountTests(target: ConformanceTarget): void {
  describe("accounts", () => {
    it("creates, verifies, changes and deletes accounts", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const accounts = sm.accounts(host);
        const name = user();
        assert.equal(await accounts.exists(name), false);
        assert.equal(await accounts.verify(name, "secret"), false, "missing user verifies false");
        await accounts.create(name, "secret");
        assert.equal(await accounts.exists(name), true);
        assert.equal(await accounts.verify(name, "secret"), true);
        assert.equal(await accounts.verify(name, "Secret"), false);
        await rejectsWith(accounts.create(name, "other"), "conflict");
        await accounts.setPassword(name, "n3w");
        assert.equal(await accounts.verify(name, "secret"), false);
        assert.equal(await accounts.verify(name, "n3w"), true);
        assert.deepEqual(await collect(accounts.users()), [name]);
        await accounts.delete(name);
        assert.equal(await accounts.exists(name), false);
        await rejectsWith(accounts.setPassword(name, "x"), "item-not-found");
      }));

    it("stores what mod_auth_internal_hashed stores", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const name = user();
        await sm.accounts(host).create(name, "pencil");
        const record = (await (await sm.open(host, "accounts")).get(name)) as Record<string, unknown>;
        assert.deepEqual(Object.keys(record).sort(), ["iteration_count", "salt", "server_key", "stored_key"]);
        assert.equal(record.iteration_count, 10000);
        assert.match(record.salt as string, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        assert.match(record.stored_key as string, /^[0-9a-f]{40}$/);
        assert.match(record.server_key as string, /^[0-9a-f]{40}$/);
      }));

    it("honours default_iteration_count and password_hash, and keeps other fields on a change", () =>
      withEnv(
        target,
        async ({ sm, host, user }) => {
          const name = user();
          const raw = await sm.open(host, "accounts");
          await raw.set(name, { salt: "s", iteration_count: 5000, stored_key: "00", server_key: "00", disabled: true });
          await sm.accounts(host).setPassword(name, "pw");
          const record = (await raw.get(name)) as Record<string, unknown>;
          assert.equal(record.iteration_count, 5000, "max(old count, configured count), as Prosody");
          assert.equal(record.disabled, true, "fields Prosody adds survive a password change");
          assert.match(record.stored_key as string, /^[0-9a-f]{64}$/);
          assert.equal(await sm.accounts(host).verify(name, "pw"), false, "Prosody 13: a disabled account cannot log in");
          await raw.set(name, { ...record, disabled: undefined as never, created: 1, updated: 1 });
          assert.equal(await sm.accounts(host).verify(name, "pw"), true);
          await sm.accounts(host).setPassword(name, "pw2");
          const stamped = (await raw.get(name)) as Record<string, unknown>;
          assert.equal(stamped.created, 1);
          assert.ok((stamped.updated as number) > 1, "Prosody 13's `updated` is stamped on a change");
        },
        { default_iteration_count: 4096, password_hash: "SHA-256" },
      ));

    it("reads and upgrades plain-text records (mod_auth_internal_plain)", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const name = user();
        const raw = await sm.open(host, "accounts");
        await raw.set(name, { password: "pl\u00e4in" });
        const accounts = sm.accounts(host);
        assert.equal(await accounts.exists(name), true);
        assert.equal(await accounts.verify(name, "wrong"), false);
        assert.deepEqual(await raw.get(name), { password: "pl\u00e4in" }, "a failed verify changes nothing");
        assert.equal(await accounts.verify(name, "pl\u00e4in"), true);
        const upgraded = (await raw.get(name)) as Record<string, unknown>;
        assert.equal(upgraded.password, undefined);
        assert.match(upgraded.stored_key as string, /^[0-9a-f]{40}$/);
        assert.equal(await accounts.verify(name, "pl\u00e4in"), true);
      }));

    it("writes plain records on an internal_plain host", () =>
      withEnv(
        target,
        async ({ sm, host, user }) => {
          const name = user();
          await sm.accounts(host).create(name, "I\u00ADX");
          assert.deepEqual(await (await sm.open(host, "accounts")).get(name), { password: "IX" }, "SASLprep'd as that module does");
          assert.equal(await sm.accounts(host).verify(name, "IX"), true);
          assert.deepEqual(await (await sm.open(host, "accounts")).get(name), { password: "IX" }, "no upgrade");
        },
        { authentication: "internal_plain" },
      ));

    it("applies SASLprep and rejects bad input", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const accounts = sm.accounts(host);
        const name = user();
        await accounts.create(name, "I\u00ADX\u00A0y");
        assert.equal(await accounts.verify(name, "IX y"), true, "soft hyphen mapped away, NBSP to space");
        assert.equal(await accounts.verify(name, "\u2168"), false);
        await rejectsWith(accounts.create(user(), "bell\u0007"), "invalid-input", /SASLprep/);
        assert.equal(await accounts.verify(name, "bell\u0007"), false);
        await rejectsWith(accounts.create("a@b", "x"), "invalid-input");
        await rejectsWith(accounts.create("", "x"), "invalid-input");
        await rejectsWith(accounts.create(name.toUpperCase(), "x"), "invalid-input", new RegExp(`"${name}"`));
        assert.equal(await accounts.exists(name.toUpperCase()), false, "names are taken as stored");
        await rejectsWith(accounts.create("Stra\u00DFe", "x"), "invalid-input", /"strasse"/);
      }));

    it("addresses every stored name exactly, nodeprep-normal or not (issue 11)", () =>
      withEnv(target, async ({ sm, host, user }) => {
        const accounts = sm.accounts(host);
        const model = user();
        await accounts.create(model, "pw");
        const raw = await sm.open(host, "accounts");
        const record = await raw.get(model);
        const odd = [`john doe ${model}`, `UPPER${model}`, `quote'"back\\slash${model}`, `semi;colon+plus=eq&amp${model}`, `__proto__${model}`];
        for (const name of odd) await raw.set(name, record!);
        assert.deepEqual((await collect(accounts.users())).sort(), [model, ...odd].sort());
        for (const name of odd) {
          assert.equal(await accounts.exists(name), true, name);
          assert.equal(await accounts.verify(name, "pw"), true, name);
          await accounts.setPassword(name, "new pw");
          assert.equal(await accounts.verify(name, "new pw"), true, name);
          assert.equal(await accounts.verify(name, "pw"), false, name);
          const vcard = new Element("vCard", { xmlns: "vcard-temp" }).c("FN").t(name).root();
          await stores(sm).vcard(host).set(name, vcard);
          assert.equal((await stores(sm).vcard(host).get(name))?.getChildText("FN"), name);
          await accounts.delete(name);
          assert.equal(await accounts.exists(name), false, name);
        }
        assert.deepEqual(await collect(accounts.users()), [model], "only the named records went");
      }));

    it("rejects a bad default_iteration_count", () =>
      withEnv(
        target,
        async ({ sm, host }) => {
          assert.throws(() => sm.accounts(host), /default_iteration_count/);
        },
        { default_iteration_count: 0 },
      ));

    it("Prosody's SASL server accepts a password xmppstore stored", async (t) => {
      if (!needService(t, "Prosody's Lua libraries", prosodyLuaAvailable, "apt-get install prosody lua5.4")) return;
      for (const hash of ["SHA-1", "SHA-256"] as const) {
        await withEnv(
          target,
          async ({ sm, host, user }) => {
            const name = user();
            await sm.accounts(host).create(name, "p\u00e4ss w\u00f6rd");
            const r = (await (await sm.open(host, "accounts")).get(name)) as Record<string, string | number>;
            const args = [hash, name, "p\u00e4ss w\u00f6rd", r.stored_key!, r.server_key!, r.salt!, r.iteration_count!];
            assert.deepEqual(await runLuaScript("scram", "login", args), ["success"], hash);
            const wrong = await runLuaScript("scram", "login", [...args.slice(0, 2), "wrong", ...args.slice(3)]);
            assert.notDeepEqual(wrong, ["success"]);
          },
          { password_hash: hash, default_iteration_count: 4096 },
        );
      }
    });

    it("verifies records made by Prosody's create_user code, SHA-256 ones on a SHA-1 host too", async (t) => {
      if (!needService(t, "Prosody's Lua libraries", prosodyLuaAvailable, "apt-get install prosody lua5.4")) return;
      await withEnv(target, async ({ sm, host, user }) => {
        for (const hash of ["SHA-1", "SHA-256"]) {
          const name = user();
          const [salt, iterations, storedKey, serverKey] = await runLuaScript("scram", "adduser", [hash, "s\u00e9same", 10000]);
          await (await sm.open(host, "accounts")).set(name, {
            salt: salt!,
            iteration_count: Number(iterations),
            stored_key: storedKey!,
            server_key: serverKey!,
          });
          assert.equal(await sm.accounts(host).verify(name, "s\u00e9same"), true, hash);
          assert.equal(await sm.accounts(host).verify(name, "sesame"), false, hash);
        }
      });
    });
  });
}
