// A real Prosody (0.12.3 and 13.0.1) running Debian's default vCard modules (pep, vcard4,
// vcard_legacy) serves the vCard4 xmppstore wrote through stores(sm).vcard4 to a real client,
// both as vCard4 and converted to vcard-temp; a vcard-temp upload by the client is read back by
// xmppstore as the vCard4 mod_vcard_legacy made of it.
import assert from "node:assert/strict";
import { describe, test, type TestContext } from "node:test";
import { parse } from "ltx";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { stores } from "../../src/stores/index.js";
import { PROSODY_VERSIONS } from "../helpers/prosody.js";
import { prosodyEnvForTest, type ProsodyEnv, type ProsodyEnvKind } from "../helpers/prosody-env.js";
import { startProsodyServer } from "../helpers/prosody-server.js";
import { connectClient, xml } from "../helpers/xmpp-client.js";

const HOST = "example.com";
const USER = "juliet";
const PASSWORD = "wherefore art thou";
const V4 = "urn:ietf:params:xml:ns:vcard-4.0";
const TEMP =
  '<vCard xmlns="vcard-temp"><FN>Jüliet Capulet</FN><N><FAMILY>Capulet</FAMILY><GIVEN>Jüliet</GIVEN></N><NICKNAME>Jules</NICKNAME>' +
  "<TEL><NUMBER>+39 045</NUMBER><WORK/></TEL><EMAIL><USERID>j@capulet.example</USERID><INTERNET/><HOME/></EMAIL><JABBERID>juliet@example.com</JABBERID></vCard>";

async function runScenario(t: TestContext, env: ProsodyEnv): Promise<void> {
  let sm = new StorageManager(env.xmppstoreConfig);
  await sm.accounts(HOST).create(USER, PASSWORD);
  await stores(sm).vcard4(HOST).setFromVcardTemp(USER, parse(TEMP));
  await sm.close();
  const server = await startProsodyServer(env, { host: HOST, modules: ["saslauth", "disco", "pep", "vcard4", "vcard_legacy"] });
  t.after(() => server.stop());
  try {
    const xmpp = await connectClient(server.port, HOST, USER, PASSWORD);
    try {
      const v4 = (await xmpp.get(xml("vcard", { xmlns: V4 }))).getChild("vcard", V4);
      assert.equal(v4?.getChild("fn")?.getChildText("text"), "Jüliet Capulet");
      assert.equal(v4?.getChild("tel")?.getChildText("uri"), "tel:+39 045");
      const temp = (await xmpp.get(xml("vCard", { xmlns: "vcard-temp" }))).getChild("vCard", "vcard-temp");
      assert.equal(temp?.getChildText("FN"), "Jüliet Capulet");
      assert.equal(temp?.getChild("N")?.getChildText("GIVEN"), "Jüliet");
      assert.equal(temp?.getChildText("NICKNAME"), "Jules");
      assert.equal(temp?.getChild("TEL")?.getChildText("NUMBER"), "+39 045");
      assert.ok(temp?.getChild("TEL")?.getChild("WORK"));
      assert.equal(temp?.getChild("EMAIL")?.getChildText("USERID"), "j@capulet.example");
      assert.equal(temp?.getChildText("JABBERID"), "juliet@example.com");
      // The client uploads a vcard-temp; mod_vcard_legacy publishes it as vCard4.
      await xmpp.set(xml("vCard", { xmlns: "vcard-temp" }, xml("FN", {}, "Juliet C."), xml("TITLE", {}, "Heiress")));
    } finally {
      await xmpp.stop();
    }
  } finally {
    await server.stop();
  }
  sm = new StorageManager(env.xmppstoreConfig);
  try {
    const card = await stores(sm).vcard4(HOST).get(USER);
    assert.equal(card?.getChild("fn")?.getChildText("text"), "Juliet C.");
    assert.equal(card?.getChild("title")?.getChildText("text"), "Heiress");
    const temp = await stores(sm).vcard4(HOST).getAsVcardTemp(USER);
    assert.deepEqual([temp?.getChildText("FN"), temp?.getChildText("TITLE")], ["Juliet C.", "Heiress"]);
  } finally {
    await sm.close();
  }
}

for (const version of PROSODY_VERSIONS) {
  for (const kind of ["internal", "sqlite"] as const satisfies ProsodyEnvKind[]) {
    describe(`Prosody ${version} with vcard4 + vcard_legacy serves xmppstore's vCard4 (${kind})`, () => {
      test("vCard4 and vcard-temp requests answer what xmppstore wrote; xmppstore reads what Prosody published", async (t) => {
        const env = await prosodyEnvForTest(t, kind, [HOST], version);
        if (env) await runScenario(t, env);
      });
    });
  }
}
