import { test, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { Element } from "ltx";
import { userData } from "../../src/jobs/user-data.js";
import { managerSource } from "../../src/jobs/data-source.js";
import { readPassword } from "../../src/cli/password.js";
import { stores } from "../../src/stores/index.js";
import { KINDS, operatorEnv, xmppstore } from "./operator-env.js";
import { captureIO } from "./io.js";

const stdin = (text: string) => ({ stdin: Readable.from([text]) });

for (const kind of KINDS) {
  describe(`xmppstore user on ${kind}`, () => {
    it("adds, lists, changes, disables, enables and deletes accounts as the configuration says", async (t) => {
      const o = await operatorEnv(t, kind, { "example.com": { password_hash: "SHA-256", default_iteration_count: 4096 } });
      if (!o) return;
      const add = await xmppstore(["user", "add", "--from", o.from, "--password-stdin", "Juliet@Example.COM"], stdin("s3cret wherefore\nignored\n"));
      assert.equal(add.status, 0, add.stderr);
      assert.equal(add.stdout, "created account juliet@example.com\n");
      assert.equal((await xmppstore(["user", "add", "--from", o.direct, "--password-stdin", "romeo@example.com"], stdin("montague"))).status, 0);
      await o.withManager(async (sm) => {
        const record = (await (await sm.open("example.com", "accounts")).get("juliet")) as Record<string, unknown>;
        assert.equal((record.stored_key as string).length, 64, "SHA-256 as password_hash says");
        assert.equal(record.iteration_count, 4096);
        assert.equal(await sm.accounts("example.com").verify("juliet", "s3cret wherefore"), true);
        await stores(sm).roster("example.com").setItem("juliet", { jid: "romeo@example.com", subscription: "both", groups: [] });
        await stores(sm).messageArchive("example.com").append("juliet", new Element("message", { to: "romeo@example.com" }).c("body").t("hi").root());
        await stores(sm).messageArchive("example.com").append("romeo", new Element("message", { to: "juliet@example.com" }).c("body").t("ho").root());
      });

      const again = await xmppstore(["user", "add", "--from", o.from, "--password-stdin", "juliet@example.com"], stdin("x\n"));
      assert.equal(again.status, 1);
      assert.match(again.stderr, /already exists/);
      const passwd = await xmppstore(["user", "passwd", "--from", o.from, "--password-stdin", "juliet@example.com"], stdin("n3w\n"));
      assert.equal(passwd.status, 0, passwd.stderr);
      assert.equal((await xmppstore(["user", "passwd", "--from", o.from, "--password-stdin", "nobody@example.com"], stdin("n3w\n"))).status, 1);

      assert.equal((await xmppstore(["user", "disable", "--from", o.from, "juliet@example.com"])).stdout, "disabled juliet@example.com\n");
      const listed = await xmppstore(["user", "list", "--from", o.from, "example.com"]);
      assert.equal(listed.stdout, "USER    STATUS\njuliet  disabled\nromeo   enabled\n");
      await o.withManager(async (sm) => {
        const record = (await (await sm.open("example.com", "accounts")).get("juliet")) as Record<string, unknown>;
        assert.equal(record.disabled, true);
        assert.equal(typeof record.updated, "number");
        assert.equal(await sm.accounts("example.com").verify("juliet", "n3w"), false, "a disabled account does not log in");
      });
      assert.equal((await xmppstore(["user", "enable", "--from", o.from, "juliet@example.com"])).stdout, "enabled juliet@example.com\n");
      const json = JSON.parse((await xmppstore(["user", "list", "--from", o.from, "example.com", "--json"])).stdout);
      assert.deepEqual(json, [{ user: "juliet", enabled: true }, { user: "romeo", enabled: true }]);

      const deleted = await xmppstore(["user", "delete", "--from", o.from, "juliet@example.com", "--json"]);
      assert.equal(deleted.status, 0, deleted.stderr);
      const report = JSON.parse(deleted.stdout);
      const backend = kind === "internal" ? "internal" : "sql";
      assert.deepEqual(report.removed.map((s: { store: string; backend: string }) => `${s.store}/${s.backend}`).sort(), [
        `accounts/${backend}`,
        `archive/${backend}`,
        `roster/${backend}`,
      ]);
      assert.equal(report.removed.find((s: { store: string }) => s.store === "archive").items, 1);
      await o.withManager(async (sm) => {
        assert.deepEqual(await userData(managerSource(sm, ["example.com"]), "example.com", "juliet"), []);
        assert.equal(await sm.accounts("example.com").verify("romeo", "montague"), true, "others are left alone");
        assert.equal((await stores(sm).messageArchive("example.com").query("romeo")).items.length, 1);
      });
      const gone = await xmppstore(["user", "delete", "--from", o.from, "juliet@example.com"]);
      assert.equal(gone.status, 1);
      assert.match(gone.stderr, /no account juliet@example.com and no data/);
    });
  });
}

test("user: bad usage is exit 2 and touches nothing", async () => {
  assert.equal((await xmppstore(["user", "frobnicate", "--from", "internal:/nonexistent", "a@b"])).status, 2);
  assert.equal((await xmppstore(["user", "add", "--from", "internal:/nonexistent", "not a jid"])).status, 2);
  const noTty = await xmppstore(["user", "add", "--from", "internal:/nonexistent", "a@example.com"], stdin("pw\n"));
  assert.equal(noTty.status, 2);
  assert.match(noTty.stderr, /--password-stdin/);
  assert.equal((await xmppstore(["user", "delete", "--from", "internal:/nonexistent", "a@example.com", "--password-stdin"])).status, 2);
});

test("readPassword: a terminal gets no echo, two prompts, backspace works, mismatches are refused", async () => {
  const fakeTty = (typed: string[]) => {
    const stream = Readable.from(typed.map((s) => Buffer.from(s))) as Readable & { isTTY: boolean; setRawMode: (raw: boolean) => void; raw: boolean[] };
    stream.isTTY = true;
    stream.raw = [];
    stream.setRawMode = (raw) => void stream.raw.push(raw);
    return stream;
  };
  const tty = fakeTty(["sec", "x\u007fret\r", "secret\r"]);
  const io = captureIO({ stdin: tty });
  assert.equal(await readPassword(io, { fromStdin: false, confirm: true }), "secret");
  assert.equal(io.stderr(), "Password: \nRetype password: \n", "nothing typed is shown");
  assert.deepEqual(tty.raw, [true, false, true, false]);
  await assert.rejects(readPassword(captureIO({ stdin: fakeTty(["a\r", "b\r"]) }), { fromStdin: false, confirm: true }), /do not match/);
  await assert.rejects(readPassword(captureIO({ stdin: Readable.from(["\n"]) }), { fromStdin: true, confirm: true }), /empty/);
});

test("operator commands: --help for each, hosts the configuration lacks and foreign authentication are refused", async (t) => {
  for (const command of ["user", "prune", "stats", "check"]) {
    const help = await xmppstore([command, "--help"]);
    assert.equal(help.status, 0);
    assert.match(help.stdout, new RegExp(`^Usage: xmppstore ${command} `));
  }
  assert.match((await xmppstore(["--help"])).stdout, /^ {2}check {5}find/m);
  const o = await operatorEnv(t, "internal", { "example.com": {}, "ldap.example.com": { authentication: "ldap" } });
  if (!o) return;
  const elsewhere = await xmppstore(["user", "add", "--from", o.from, "--password-stdin", "a@other.example"], stdin("pw\n"));
  assert.equal(elsewhere.status, 2);
  assert.match(elsewhere.stderr, /no VirtualHost "other\.example" in the configuration/);
  const ldap = await xmppstore(["user", "list", "--from", o.from, "ldap.example.com"]);
  assert.equal(ldap.status, 2);
  assert.match(ldap.stderr, /authentication = "ldap": its accounts are not kept in storage/);
  const missing = await xmppstore(["check", "--from", `prosody:${o.cfg}`, "-q"]);
  assert.equal(missing.status, 0, "an empty but existing data directory is clean");
});
