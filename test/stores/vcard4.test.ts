import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "ltx";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { stores } from "../../src/stores/index.js";
import { fromVcardTemp, toVcardTemp } from "../../src/stores/vcard-convert.js";

const V4 = "urn:ietf:params:xml:ns:vcard-4.0";

/** A vcard-temp vCard with every field mod_vcard_legacy converts, in the order it writes them back. */
const TEMP = [
  '<vCard xmlns="vcard-temp">',
  "<FN>Juliet Capulet</FN>",
  "<N><FAMILY>Capulet</FAMILY><GIVEN>Juliet</GIVEN><MIDDLE>J</MIDDLE><PREFIX>Ms</PREFIX><SUFFIX>Jr</SUFFIX></N>",
  "<NICKNAME>Jules</NICKNAME>",
  "<BDAY>1591-07-31</BDAY>",
  "<ADR><POBOX>1</POBOX><EXTADD>Balcony</EXTADD><STREET>Via Cappello 23</STREET><LOCALITY>Verona</LOCALITY><REGION>VR</REGION><PCODE>37121</PCODE><CTRY>Italy</CTRY><HOME/></ADR>",
  "<TEL><NUMBER>+39 045 8034303</NUMBER><WORK/></TEL>",
  "<EMAIL><USERID>juliet@capulet.example</USERID><INTERNET/><HOME/></EMAIL>",
  "<JABBERID>juliet@example.com</JABBERID>",
  "<TITLE>Heiress</TITLE>",
  "<ROLE>Lover</ROLE>",
  "<ORG><ORGNAME>House Capulet</ORGNAME></ORG>",
  "<NOTE>Wherefore art thou</NOTE>",
  "<URL>https://capulet.example/</URL>",
  "</vCard>",
].join("");

test("vcard-temp -> vCard4 -> vcard-temp keeps every mapped field, as mod_vcard_legacy converts", () => {
  const v4 = fromVcardTemp(parse(TEMP));
  assert.equal(v4.attrs.xmlns, V4);
  assert.equal(v4.getChild("fn")!.getChildText("text"), "Juliet Capulet");
  assert.equal(v4.getChild("n")!.getChildText("surname"), "Capulet");
  assert.equal(v4.getChild("tel")!.getChildText("uri"), "tel:+39 045 8034303");
  assert.equal(v4.getChild("tel")!.getChild("parameters")!.getChild("type")!.getChildText("text"), "work");
  assert.equal(v4.getChild("impp")!.getChildText("uri"), "xmpp:juliet@example.com");
  assert.equal(v4.getChild("bday")!.getChildText("date"), "1591-07-31");
  assert.equal(v4.getChild("url")!.getChildText("uri"), "https://capulet.example/");
  assert.equal(toVcardTemp(v4).toString(), TEMP);
  // DESC becomes a vCard4 note, which comes back as NOTE (as in mod_vcard_legacy).
  const desc = fromVcardTemp(parse('<vCard xmlns="vcard-temp"><DESC>About me</DESC></vCard>'));
  assert.equal(desc.getChild("note")!.getChildText("text"), "About me");
  assert.equal(toVcardTemp(desc).getChildText("NOTE"), "About me");
  // Fields absent on one side come out as mod_vcard_legacy writes them: FN and N always, empty.
  assert.equal(toVcardTemp(parse(`<vcard xmlns="${V4}"/>`)).toString(), '<vCard xmlns="vcard-temp"><FN/><N><FAMILY/><GIVEN/><MIDDLE/><PREFIX/><SUFFIX/></N></vCard>');
  // A tel: URI loses its scheme; an impp that is not xmpp: has no vcard-temp field.
  const other = toVcardTemp(parse(`<vcard xmlns="${V4}"><tel><uri>tel:+1</uri></tel><impp><uri>sip:j@x</uri></impp></vcard>`));
  assert.equal(other.getChild("TEL")!.getChildText("NUMBER"), "+1");
  assert.equal(other.getChild("JABBERID"), undefined);
});

test("stores(sm).vcard4: PEP node urn:xmpp:vcard4 as mod_vcard4/mod_vcard_legacy keep it, on internal files", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "xs-vcard4-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const sm = new StorageManager({ storage: "internal", data_path: dir });
  const vcard4 = stores(sm).vcard4("example.com");
  assert.equal(await vcard4.get("juliet"), undefined);
  await vcard4.setFromVcardTemp("juliet", parse(TEMP));
  assert.equal((await vcard4.getAsVcardTemp("juliet"))!.toString(), TEMP);
  assert.equal((await vcard4.get("juliet"))!.getChild("nickname")!.getChildText("text"), "Jules");
  const node = await stores(sm).pep("example.com").of("juliet").getNode("urn:xmpp:vcard4");
  assert.deepEqual(node!.config, { access_model: "open", _defaults_only: true });
  assert.deepEqual(node!.affiliations, { "juliet@example.com": "owner" });
  // Replacing keeps one item, `current`: the <vcard/> itself, as mod_pep stores an item's payload.
  await vcard4.set("juliet", parse(`<vcard xmlns="${V4}"><fn><text>J</text></fn></vcard>`));
  const items = await stores(sm).pep("example.com").of("juliet").items("urn:xmpp:vcard4");
  assert.deepEqual(items.map((i) => i.id), ["current"]);
  assert.equal(items[0].payload.toString(), `<vcard xmlns="${V4}"><fn><text>J</text></fn></vcard>`);
  assert.equal((await vcard4.getAsVcardTemp("juliet"))!.getChildText("FN"), "J");
  const list = await readFile(join(dir, "example%2ecom", "pep_urn%3axmpp%3avcard4", "juliet.list"), "utf8");
  assert.match(list, /\t\["key"\] = "current";/);
  assert.match(list, /\t\["name"\] = "vcard";/);
  await assert.rejects(vcard4.set("juliet", parse('<vCard xmlns="vcard-temp"/>')), { condition: "invalid-input" });
  await vcard4.delete("juliet");
  assert.equal(await vcard4.get("juliet"), undefined);
  await sm.close();
});
