// Prosody's own XEP-0227 exporter (Debian's prosody-migrator with output type "xep0227", which
// runs mod_storage_xep0227) and xmppstore read each other's files. The exporter ignores the
// migrator's `path` and writes into Prosody's data directory (/var/lib/prosody), so this test
// uses a host name of its own and removes exactly its files afterwards.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Element } from "ltx";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { stores } from "../../src/stores/index.js";
import { LuaTable } from "../../src/values/index.js";
import { dump } from "../../src/jobs/dump.js";
import { commandWorks, needService } from "../helpers/services.js";
import { prosodyAvailable } from "../helpers/prosody.js";
import { main } from "../../src/cli/main.js";
import { captureIO } from "../cli/io.js";

const PROSODY_DATA = "/var/lib/prosody";

async function dumpOf(config: Record<string, unknown>, host: string): Promise<Record<string, Record<string, Record<string, unknown>>>> {
  const manager = new StorageManager(config);
  const chunks: string[] = [];
  try {
    await dump({ label: "test", manager, hosts: [] }, (c) => void chunks.push(c), { selection: { hosts: [host] } });
  } finally {
    await manager.close();
  }
  return JSON.parse(chunks.join("")).hosts[host];
}

/** A user's data in each store mod_storage_xep0227 has a handler for, written in Prosody's shapes. */
async function writeSource(dataPath: string, host: string): Promise<void> {
  const sm = new StorageManager({ data_path: dataPath });
  try {
    for (const [user, password] of [["juliet", "wherefore"], ["romeo", "r0meo"]]) await sm.accounts(host).create(user, password);
    await (await sm.open(host, "roster")).set("juliet", LuaTable.from(
      { [`romeo@${host}`]: { subscription: "both", name: "Romeo", groups: { Lovers: true } }, "benvolio@montague.example": { subscription: "none", ask: "subscribe", groups: {} } },
      [[false, { version: 3, pending: { "tybalt@capulet.example": true } }]],
    ));
    await stores(sm).vcard(host).set("juliet", new Element("vCard", { xmlns: "vcard-temp" }).c("FN").t("Juliet Capulet").root());
    await stores(sm).privateXml(host).set("juliet", new Element("storage", { xmlns: "storage:bookmarks" }).c("conference", { jid: "lounge@conference.example.com" }).root());
    await stores(sm).pep(host).of("juliet").setNode({ name: "http://jabber.org/protocol/nick", config: { max_items: 1, access_model: "presence", persist_items: true }, affiliations: { [`juliet@${host}`]: "owner" }, subscribers: {} });
    await stores(sm).pep(host).of("juliet").publish("http://jabber.org/protocol/nick", "current", new Element("nick", { xmlns: "http://jabber.org/protocol/nick" }).t("Jules"));
    const mam = await sm.open(host, "archive", "archive");
    await mam.append("juliet", "mam-1", new Element("message", { from: `romeo@${host}/balcony`, to: `juliet@${host}`, type: "chat" }).c("body").t("hello").root(), 1_700_000_000, `romeo@${host}`);
    await mam.append("juliet", "mam-2", new Element("message", { to: `romeo@${host}/balcony`, from: `juliet@${host}/phone`, type: "chat" }).c("body").t("hi").root(), 1_700_000_060, `romeo@${host}`);
  } finally {
    await sm.close();
  }
}

/** A fresh host name, and removal of exactly its files from Prosody's data directory afterwards. */
async function scratch(t: import("node:test").TestContext): Promise<{ host: string; work: string }> {
  const host = `x227-${randomBytes(4).toString("hex")}.example`;
  const work = await mkdtemp(join(tmpdir(), "xs-x227-prosody-"));
  t.after(async () => {
    await rm(work, { recursive: true, force: true });
    for (const name of await readdir(PROSODY_DATA).catch(() => [])) if (name.endsWith(`@${host}.xml`)) await rm(join(PROSODY_DATA, name), { force: true });
  });
  return { host, work };
}

/** Runs Debian's prosody-migrator between two sections; the stores are listed accounts first (the module writes a user's other stores only into an existing user file). */
async function prosodyMigrator(work: string, host: string, input: string, output: string, extra: string[] = []): Promise<void> {
  const stores = ["accounts", "roster", "vcard", "private", "pep-pubsub", "archive-archive"].map((s) => JSON.stringify(s)).join(", ");
  const config = join(work, "migrator.cfg.lua");
  await writeFile(config, `input { ${input}; hosts = { [${JSON.stringify(host)}] = { ${stores} } } }\noutput { ${output} }\n`);
  const run = spawnSync("prosody-migrator", ["--root", ...extra, "--config", config, "input", "output"], { encoding: "utf8" });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
}

test("prosody-migrator's XEP-0227 export (mod_storage_xep0227) reads back equal to the source, its known losses aside", async (t) => {
  if (!needService(t, "prosody-migrator", prosodyAvailable() && commandWorks("prosody-migrator", ["--help"]), "apt-get install prosody")) return;
  const { host, work } = await scratch(t);
  const source = join(work, "data");
  await writeSource(source, host);
  await prosodyMigrator(work, host, `type = "internal"; path = ${JSON.stringify(source)}`, `type = "xep0227"; path = ${JSON.stringify(join(work, "ignored"))}`);
  const files = (await readdir(PROSODY_DATA)).filter((name) => name.endsWith(`@${host}.xml`)).sort();
  assert.deepEqual(files, [`juliet@${host}.xml`, `romeo@${host}.xml`], "written into Prosody's data directory, not the migrator's path");

  const original = await dumpOf({ data_path: source }, host);
  const exported = await dumpOf({ storage: "xep0227", xep0227_path: PROSODY_DATA }, host);
  // Prosody's exporter keeps no PEP item time or publisher: they read back as 0 and the owner.
  const pepItems = (exported.archive["pep_http://jabber.org/protocol/nick"] as Record<string, Array<Record<string, unknown>>>).juliet;
  assert.deepEqual(pepItems.map((i) => [i.when, i.with]), [[0, `juliet@${host}`]]);
  for (const side of [original, exported]) for (const item of (side.archive["pep_http://jabber.org/protocol/nick"] as Record<string, Array<Record<string, unknown>>>).juliet) Object.assign(item, { when: 0, with: "" });
  // Its PEP node configuration form carries every field, defaults included.
  const config0 = ((original.keyval.pep as Record<string, Record<string, Record<string, unknown>>>).juliet["http://jabber.org/protocol/nick"]).config;
  const config1 = ((exported.keyval.pep as Record<string, Record<string, Record<string, unknown>>>).juliet["http://jabber.org/protocol/nick"]).config;
  for (const [key, value] of Object.entries(config0 as object)) assert.deepEqual((config1 as Record<string, unknown>)[key], value, `PEP config ${key}`);
  (exported.keyval.pep as Record<string, Record<string, Record<string, unknown>>>).juliet["http://jabber.org/protocol/nick"].config = config0;
  assert.deepEqual(exported, original);
});

/** A dumped value with the xmlns of preserialized elements removed where the parent element has the same. */
function withoutInheritedXmlns(value: unknown, parentNs?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => withoutInheritedXmlns(v, parentNs));
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  const pairs = record.$table as Array<[unknown, unknown]> | undefined;
  if (pairs) {
    const attr = pairs.find(([k]) => k === "attr")?.[1] as Record<string, unknown> | undefined;
    const ns = typeof attr?.xmlns === "string" ? attr.xmlns : parentNs;
    if (attr && pairs.some(([k]) => k === "name") && attr.xmlns !== undefined && attr.xmlns === parentNs) delete attr.xmlns;
    return { $table: pairs.map(([k, v]) => [k, withoutInheritedXmlns(v, ns)]) };
  }
  const attr = record.attr as Record<string, unknown> | undefined;
  const ns = typeof attr?.xmlns === "string" ? attr.xmlns : parentNs;
  if (attr && typeof record.name === "string" && attr.xmlns !== undefined && attr.xmlns === parentNs) delete attr.xmlns;
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, withoutInheritedXmlns(v, ns)]));
}

test("xmppstore's xep0227: export is imported by prosody-migrator (mod_storage_xep0227) with Prosody's known quirks only", async (t) => {
  if (!needService(t, "prosody-migrator", prosodyAvailable() && commandWorks("prosody-migrator", ["--help"]), "apt-get install prosody")) return;
  const { host, work } = await scratch(t);
  const source = join(work, "data");
  await writeSource(source, host);
  const io = captureIO();
  assert.equal(await main(["migrate", "--from", `internal:${source}`, "--to", `xep0227:${PROSODY_DATA}`, "--host", host, "--quiet"], io), 0, io.stderr());
  const imported = join(work, "imported");
  // --keep-going: the module's archive reader fails on host-wide data (user nil) before any user's.
  await prosodyMigrator(work, host, `type = "xep0227"`, `type = "internal"; path = ${JSON.stringify(imported)}`, ["--keep-going"]);
  const original = await dumpOf({ data_path: source }, host);
  const back = await dumpOf({ data_path: imported }, host);
  // Prosody's importer: roster versions become strings and items gain their jid; PEP items lose
  // their time (0) and publisher (the owner). Everything else arrives as written.
  const roster = (table: unknown) => (table as { $table: Array<[unknown, Record<string, unknown>]> }).$table;
  for (const [key, entry] of roster((back.keyval.roster as Record<string, unknown>).juliet)) {
    if (key === false) assert.equal(entry.version, "3");
    else assert.equal(entry.jid, key);
  }
  for (const [key, entry] of roster((original.keyval.roster as Record<string, unknown>).juliet)) {
    if (key === false) entry.version = "3";
    else entry.jid = key;
  }
  for (const item of (back.archive["pep_http://jabber.org/protocol/nick"] as Record<string, Array<Record<string, unknown>>>).juliet) assert.deepEqual([item.when, item.with], [0, `juliet@${host}`]);
  for (const side of [original, back]) for (const item of (side.archive["pep_http://jabber.org/protocol/nick"] as Record<string, Array<Record<string, unknown>>>).juliet) Object.assign(item, { when: 0, with: "" });
  const configOf = (side: typeof back) => (side.keyval.pep as Record<string, Record<string, Record<string, unknown>>>).juliet["http://jabber.org/protocol/nick"];
  for (const [key, value] of Object.entries(configOf(original).config as object)) assert.deepEqual((configOf(back).config as Record<string, unknown>)[key], value, `PEP config ${key}`);
  configOf(back).config = configOf(original).config;
  // Its parser names every element's namespace (children repeat their parent's) and keeps
  // archived messages in jabber:client: the same XML, spelled out.
  for (const item of (back.archive.archive as Record<string, Array<Record<string, string>>>).juliet) item.value = item.value.replace(' xmlns="jabber:client"', "");
  assert.deepEqual(withoutInheritedXmlns(back), original);
});
