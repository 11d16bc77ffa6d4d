// Real Prosody 0.12 and 13 write (their storage layer, through the harness), the typed stores
// read: on internal files and on SQLite, with the shared realistic data set.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Element } from "ltx";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { PROSODY_VERSIONS, ProsodyBatch } from "../helpers/prosody.js";
import { prosodyEnvForTest, type ProsodyEnvKind } from "../helpers/prosody-env.js";
import { DATASET_HOSTS, DATASET_USERS, HOST, LONG_USER, MUC_HOST, PUBSUB_HOST, writeDatasetWithProsody } from "../helpers/prosody-dataset.js";
import { collect } from "../conformance/index.js";
import { runLuaScript } from "./lua.js";
import { stores } from "../../src/stores/index.js";

const NICK = "http://jabber.org/protocol/nick";

for (const version of PROSODY_VERSIONS)
for (const kind of ["internal", "sqlite"] as const satisfies ProsodyEnvKind[]) {
  describe(`typed stores read what Prosody ${version} wrote (${kind})`, () => {
    it("reads every common store of the data set", async (t) => {
      const env = await prosodyEnvForTest(t, kind, DATASET_HOSTS, version);
      if (!env) return;
      await writeDatasetWithProsody(env.setup);
      // mod_offline's own call: append(user, nil, stanza, os.time(), "").
      const batch = new ProsodyBatch(env.setup);
      const offlineMessage = new Element("message", { to: `juliet@${HOST}`, from: "romeo@montague.example/x" }).c("body").t("later").root();
      batch.archiveAppend(HOST, "offline", "juliet", { value: offlineMessage, when: 1700000000, with: "" });
      // Accounts made by mod_auth_internal_hashed's create_user code (util.uuid salt, util.sasl.scram
      // hasher), with either password_hash, stored by Prosody's storage layer.
      for (const hash of ["SHA-1", "SHA-256"]) {
        const [salt, iterations, storedKey, serverKey] = await runLuaScript("scram", "adduser", [hash, "Sésame ouvre-toi", 10000], version);
        const record = { salt: salt!, iteration_count: Number(iterations), stored_key: storedKey!, server_key: serverKey! };
        batch.keyvalSet(HOST, "accounts", `made-${hash.toLowerCase()}`, record);
      }
      await batch.run();

      const sm = new StorageManager(env.xmppstoreConfig);
      t.after(() => sm.close());

      const accounts = sm.accounts(HOST);
      for (const [i, user] of DATASET_USERS.entries()) {
        // Every stored name works as stored, "john doe" too (issue 11).
        assert.equal(await accounts.exists(user), true, user);
        if (user === "dot.ted") {
          // Its plain password holds "\n", which SASLprep prohibits: Prosody cannot log it in either.
          assert.equal(await accounts.verify(user, 'pa ss"wörd\n'), false);
          continue;
        }
        assert.equal(await accounts.verify(user, `secret-${i}-ünï`), true, user);
        assert.equal(await accounts.verify(user, `secret-${i}-uni`), false, user);
      }
      assert.equal(await accounts.verify("made-sha-1", "Sésame ouvre-toi"), true);
      assert.equal(await accounts.verify("made-sha-256", "Sésame ouvre-toi"), true, "SHA-256 records verify on a SHA-1 host");
      assert.equal(await accounts.verify("made-sha-256", "sésame ouvre-toi"), false);
      assert.equal((await collect(accounts.users())).length, DATASET_USERS.length + 2);
      assert.equal((await stores(sm).accountDetails(HOST).get("juliet"))?.email, "juliet@capulet.example");

      const roster = await stores(sm).roster(HOST).get("juliet");
      assert.equal(roster.version, 7);
      assert.deepEqual([...roster.pending.keys()].sort(), ["stranger1@elsewhere.example", "用户@example.com"]);
      const romeo = roster.items.find((item) => item.jid === "romeo@montague.example");
      assert.deepEqual(romeo, { jid: "romeo@montague.example", name: "Romeo ❤", subscription: "both", groups: romeo!.groups });
      assert.deepEqual(romeo!.groups.sort(), ["Family & Friends", "Montague"]);
      assert.equal(roster.items.find((item) => item.jid === "under_score@example.com")?.ask, "subscribe");
      assert.equal(roster.items.length, 6);
      assert.equal((await stores(sm).roster(HOST).get(LONG_USER)).items[0]!.groups[0], "100%");

      const vcard = await stores(sm).vcard(HOST).get("juliet");
      assert.equal(vcard?.getChildText("FN"), "Juliet Capulet");
      assert.equal(vcard?.getChildText("DESC"), 'Wherefore art thou?\nLine two: "quoted" <b>');
      assert.equal((await stores(sm).vcard(HOST).get("用户"))?.getChildText("FN"), "用户 😀");

      const bookmarks = await stores(sm).privateXml(HOST).get("juliet", "storage", "storage:bookmarks");
      assert.equal(bookmarks?.getChild("conference")?.attrs.jid, "lounge@conference.example.com");
      assert.equal((await stores(sm).privateXml(HOST).all("juliet")).length, 2);
      assert.equal((await stores(sm).privateXml(HOST).get("under_score", "prefs", "urn:example:prefs"))?.attrs["xml:lang"], "de");

      assert.deepEqual((await stores(sm).blocklist(HOST).list("juliet")).map((b) => b.jid).sort(), ["evil.example", "tybalt@capulet.example"]);
      const privacy = await stores(sm).privacy(HOST).get("2024-01-01");
      assert.equal(privacy.default, "block-spam");
      assert.deepEqual(privacy.lists[0]!.items, [
        { type: "jid", value: "spam@spam.example", action: "deny", order: 1, stanzas: ["message"] },
        { action: "allow", order: 2 },
      ]);

      const archive = stores(sm).messageArchive(HOST);
      const page = await archive.query("juliet", { rsm: { max: 5 } });
      assert.deepEqual([page.items.length, page.count, page.complete, page.first], [5, 12, false, page.items[0]!.id]);
      const next = await archive.query("juliet", { rsm: { max: 10, after: page.last } });
      assert.deepEqual([next.items.length, next.complete], [7, true]);
      assert.equal((await archive.query("juliet", { with: "nurse@capulet.example" })).items.length, 4);
      const last = await archive.query("juliet", { rsm: { max: 2, before: true } });
      assert.deepEqual(last.items.map((item) => item.id), next.items.slice(-2).map((item) => item.id));

      const log = await stores(sm).mucLog(MUC_HOST).query(`lounge@${MUC_HOST}`, {});
      assert.deepEqual(log.items.map((item) => item.value.getChildText("body")), ["Hello room!", 'Hi "all" <3', "你好"]);
      const muc = stores(sm).muc(MUC_HOST);
      assert.deepEqual((await muc.rooms()).sort(), [`café@${MUC_HOST}`, `lounge@${MUC_HOST}`]);
      const lounge = await muc.get(`lounge@${MUC_HOST}`);
      assert.equal(lounge?.config.name, "The Lounge");
      assert.deepEqual(lounge?.affiliations, { "juliet@example.com": "owner", "romeo@montague.example": "member", "tybalt@capulet.example": "outcast" });
      assert.deepEqual(lounge?.affiliationData, { "juliet@example.com": { reserved_nickname: "juliet" } });

      assert.deepEqual((await stores(sm).offline(HOST).list("juliet")).map((item) => item.value.getChildText("body")), ["later"]);

      const pubsub = stores(sm).pubsub(PUBSUB_HOST);
      assert.deepEqual((await pubsub.nodes()).sort(), ["princely_musings", "ünïcode node"]);
      assert.equal((await pubsub.getNode("princely_musings"))?.config.max_items, 256);
      const posts = await pubsub.items("ünïcode node");
      assert.deepEqual(posts.map((item) => item.payload.getChildText("title")), ["Post 2 on ünïcode node", "Post 1 on ünïcode node"]);
      const pep = stores(sm).pep(HOST).of("juliet");
      assert.equal((await pep.nodes()).length, 2);
      assert.equal((await pep.getItem(NICK, "current"))?.payload.getText(), "Jules ❤");
    });
  });
}
