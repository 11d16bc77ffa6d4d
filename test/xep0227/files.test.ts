// Reading XEP-0227 files as Prosody and ejabberd write them (quirks included), and refusing
// hostile or malformed ones with a clear error, reading nothing outside the export.
import assert from "node:assert/strict";
import { mkdtemp, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test, type TestContext } from "node:test";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { unguardedBackend } from "../../src/manager/manager.js";
import { stores } from "../../src/stores/index.js";
import { StorageError } from "../../src/errors.js";
import type { Backend } from "../../src/contracts/index.js";
import { main } from "../../src/cli/main.js";
import { captureIO } from "../cli/io.js";

const EJABBERD_EXPORT = fileURLToPath(new URL("./fixtures/ejabberd-export", import.meta.url));

async function temp(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "xs-x227-files-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function withManager<T>(config: Record<string, unknown>, body: (sm: StorageManager) => Promise<T>): Promise<T> {
  const sm = new StorageManager(config);
  try {
    return await body(sm);
  } finally {
    await sm.close();
  }
}

test("ejabberd's real export_piefxis (SCRAM keys base64-encoded twice, xi:include of the host file): every account verifies", async () => {
  await withManager({ storage: "xep0227", xep0227_path: EJABBERD_EXPORT, xep0227_flavor: "ejabberd" }, async (sm) => {
    const accounts = sm.accounts("example.com");
    for (const [user, password] of [["alice", "secret"], ["juliet", "wherefore art thou"], ["romeo", "r0meo!"]]) {
      assert.equal(await accounts.verify(user, password), true, user);
      assert.equal(await accounts.verify(user, `${password}!`), false, user);
    }
    assert.equal((await stores(sm).vcard("example.com").get("alice"))?.getChildText("FN"), "Alice A");
    const juliet = await stores(sm).roster("example.com").get("juliet");
    assert.deepEqual([...juliet.pending.keys()], ["tybalt@capulet.example"], "ejabberd's <presence type='subscribe'> is a pending request");
    assert.deepEqual((await stores(sm).offline("example.com").list("alice")).map((m) => m.value.getChildText("body")), ["hello offline"]);
  });
});

const USER_FILE = (user: string) => `<?xml version='1.0' encoding='UTF-8'?>
<server-data xmlns='urn:xmpp:pie:0'><host jid='example.com'>${user}</host></server-data>`;

test("Prosody's exporter's quirks are read as they are: namespace-less pending presences, string versions, a roster item without jid (reported), the subscribed= typo", async (t) => {
  const dir = await temp(t);
  await writeFile(join(dir, "juliet@example.com.xml"), USER_FILE(`<user name='juliet'>
    <query xmlns='jabber:iq:roster' version='12'><item subscription='both' name='Nameless'/><item jid='romeo@example.com' subscription='to'><group>Lovers</group></item></query>
    <presence from='tybalt@capulet.example' type='subscribe'/>
    <pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><configure node='n'><x xmlns='jabber:x:data' type='submit'><field var='pubsub#max_items'><value>max</value></field><field var='pubsub#persist_items' type='boolean'><value>1</value></field></x></configure>
      <subscriptions node='n'><subscription jid='romeo@example.com' subscribed='subscribed'/></subscriptions></pubsub>
    <pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='n'><item id='a'><entry xmlns='urn:example'/></item></items></pubsub>
  </user>`));
  const io = captureIO();
  assert.equal(await main(["migrate", "--from", `xep0227:${dir}`, "--to", `internal:${join(dir, "out")}`, "--json", "--quiet"], io), 0, io.stderr());
  const report = JSON.parse(io.stdout());
  assert.deepEqual(report.notCarried.map((n: { store: string; user: string; what: string }) => [n.store, n.user, n.what]), [
    ["roster", "juliet", `not read from the source: a roster item without jid (<item subscription="both" name="Nameless"/>)`],
  ]);
  await withManager({ data_path: join(dir, "out") }, async (sm) => {
    const roster = await stores(sm).roster("example.com").get("juliet");
    assert.equal(roster.version, 12);
    assert.deepEqual(roster.items.map((i) => [i.jid, i.subscription, i.groups]), [["romeo@example.com", "to", ["Lovers"]]]);
    assert.deepEqual([...roster.pending.keys()], ["tybalt@capulet.example"]);
    assert.deepEqual(await (await sm.open("example.com", "pep")).get("juliet"), { n: { name: "n", config: { max_items: "max", persist_items: true }, affiliations: {}, subscribers: { "romeo@example.com": true } } });
    const [item] = await stores(sm).pep("example.com").of("juliet").items("n");
    assert.deepEqual([item.id, item.when, item.publisher], ["a", 0, "juliet@example.com"]);
  });
});

/** Opens a store on the place and expects a StorageError matching `message`. */
async function refused(config: Record<string, unknown>, message: RegExp): Promise<StorageError> {
  return withManager(config, async (sm) => {
    try {
      await (await sm.open("example.com", "accounts")).get("juliet");
    } catch (error) {
      assert.ok(error instanceof StorageError, String(error));
      assert.match(error.message, message);
      return error;
    }
    assert.fail("expected a StorageError");
  });
}

test("hostile and malformed documents give a clear StorageError and read nothing outside the export", async (t) => {
  const dir = await temp(t);
  const secret = join(dir, "secret.xml");
  await writeFile(secret, USER_FILE(`<user name='juliet' password='outside'/>`));
  const cases: Array<[string, string, RegExp]> = [
    ["entities.xml", `<?xml version='1.0'?><!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><server-data xmlns='urn:xmpp:pie:0'><host jid='example.com'><user name='juliet' password='&b;'/></host></server-data>`, /<!DOCTYPE> is not allowed/],
    ["external.xml", `<!DOCTYPE server-data SYSTEM "${secret}"><server-data xmlns='urn:xmpp:pie:0'/>`, /<!DOCTYPE> is not allowed/],
    ["undeclared.xml", `<server-data xmlns='urn:xmpp:pie:0'><host jid='example.com'><user name='juliet' password='&xxe;'/></host></server-data>`, /Illegal XML entity &xxe;/],
    ["mismatched.xml", `<server-data xmlns='urn:xmpp:pie:0'><host jid='example.com'><user name='juliet'></host></user></server-data>`, /end tag <\/host> does not match <user>/],
    ["truncated.xml", `<server-data xmlns='urn:xmpp:pie:0'><host jid='example.com'><user name='juliet'>`, /is never closed/],
    ["escape.xml", `<server-data xmlns='urn:xmpp:pie:0' xmlns:xi='http://www.w3.org/2001/XInclude'><xi:include href='../secret.xml'/></server-data>`, /not a file in the export's directory/],
    ["absolute.xml", `<server-data xmlns='urn:xmpp:pie:0' xmlns:xi='http://www.w3.org/2001/XInclude'><xi:include href='${secret}'/></server-data>`, /not a file in the export's directory/],
    ["link.xml", `<server-data xmlns='urn:xmpp:pie:0' xmlns:xi='http://www.w3.org/2001/XInclude'><xi:include href='secret-link.xml'/></server-data>`, /leads outside the export's directory/],
  ];
  const exportDir = join(dir, "export");
  await mkdir(exportDir);
  await symlink(secret, join(exportDir, "secret-link.xml"));
  for (const [name, text, message] of cases) {
    await writeFile(join(exportDir, name), text);
    const error = await refused({ storage: "xep0227", xep0227_path: join(exportDir, name) }, message);
    assert.ok(["invalid-input", "backend-failure"].includes(error.condition), `${name}: ${error.condition}`);
  }
  await writeFile(join(exportDir, "big.xml"), `<server-data xmlns='urn:xmpp:pie:0'>${" ".repeat(4096)}</server-data>`);
  await refused({ storage: "xep0227", xep0227_path: join(exportDir, "big.xml"), xep0227_max_bytes: 1024 }, /more than the limit of 1024/);
  await writeFile(join(exportDir, "latin1.xml"), Buffer.from("<server-data xmlns='urn:xmpp:pie:0'><host jid='\xe9'/></server-data>", "latin1"));
  await refused({ storage: "xep0227", xep0227_path: join(exportDir, "latin1.xml") }, /not UTF-8/);
});

test("the directory layout refuses user names that are not one file in it, before writing anything", async (t) => {
  const dir = await temp(t);
  await withManager({ storage: "xep0227", xep0227_path: join(dir, "data") }, async (sm) => {
    for (const user of ["../escape", "a/b", "at@sign"]) {
      await assert.rejects((await sm.open("example.com", "vcard")).set(user, { name: "vCard", attr: { xmlns: "vcard-temp" } }), (e: unknown) => e instanceof StorageError && e.condition === "invalid-input");
    }
  });
  await withManager({ storage: "xep0227", xep0227_path: join(dir, "data") }, async (sm) => {
    const backend = (await unguardedBackend(sm, "example.com", "vcard")).backend as Backend;
    assert.deepEqual(backend.takeNotCarried?.(), []);
  });
});
