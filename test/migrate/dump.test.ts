import { test } from "node:test";
import assert from "node:assert/strict";
import { Element } from "ltx";
import { dump } from "../../src/jobs/dump.js";
import { migrate } from "../../src/jobs/migrate.js";
import { verifySources } from "../../src/jobs/verify.js";
import { listHosts, listStores, listUsers } from "../../src/jobs/inspect.js";
import { writeUserData } from "../../src/jobs/get.js";
import type { DataSource } from "../../src/jobs/data-source.js";
import { fillSample, memorySource } from "./sample.js";

async function dumpText(source: DataSource, options = {}): Promise<string> {
  const chunks: string[] = [];
  await dump(source, (c) => void chunks.push(c), options);
  return chunks.join("");
}

test("dump: canonical document of everything, host-wide data under \"\", empty things left out", async () => {
  const source = memorySource("from");
  await fillSample(source.manager, 3);
  // A store whose only user has an empty table, and an archive emptied again: neither appears.
  await (await source.manager.open("example.com", "vcard")).set("alice", { x: {} });
  await (await source.manager.open("example.com", "vcard")).set("alice", {});
  const text = await dumpText(source);
  const doc = JSON.parse(text);
  assert.equal(doc.format, "xmppstore-dump/1");
  assert.deepEqual(Object.keys(doc.hosts), ["conference.example.com", "example.com"]);
  assert.deepEqual(Object.keys(doc.hosts["example.com"]), ["archive", "keyval"]);
  assert.deepEqual(Object.keys(doc.hosts["example.com"].keyval), ["accounts", "pubsub_nodes", "roster"]);
  assert.deepEqual(doc.hosts["example.com"].keyval.roster.alice.$table[0], [false, { pending: {}, version: 3 }]);
  assert.deepEqual(Object.keys(doc.hosts["example.com"].keyval.pubsub_nodes), [""]);
  assert.deepEqual(doc.hosts["example.com"].archive.archive.bob[0].with, "");
  assert.deepEqual(doc.hosts["example.com"].archive.archive.alice[1], {
    id: "a-00001", when: 1690000001, with: "bob@example.com",
    value: '<message from="bob@example.com" id="m-hi 1" to="alice@example.com" type="chat"><body>hi 1</body></message>',
  });
  assert.deepEqual(Object.keys(doc.hosts["example.com"].archive.pubsub_princely_musings), [""]);
  assert.ok(text.endsWith("}\n"));
  assert.equal(text, `${JSON.stringify(doc, null, 2)}\n`); // no integer-like keys here, so JSON.stringify agrees
  // Selection narrows the document.
  const rosterOnly = JSON.parse(await dumpText(source, { selection: { stores: [{ store: "roster" }] } }));
  assert.deepEqual(Object.keys(rosterOnly.hosts), ["example.com"]);
  await source.manager.close();
});

test("dump of a migrated copy is byte-identical; verify finds a difference", async () => {
  const from = memorySource("from");
  const to = memorySource("to");
  await fillSample(from.manager, 30);
  await migrate({ from, to, pageSize: 7 });
  assert.equal(await dumpText(to, { pageSize: 4 }), await dumpText(from));
  assert.deepEqual((await verifySources(from, to)).equal, true);
  const mam = await to.manager.open("example.com", "archive", "archive");
  await mam.set("alice", "a-00010", new Element("message").c("body").t("changed").root());
  const report = await verifySources(from, to);
  assert.equal(report.equal, false);
  assert.deepEqual({ ...report.difference, from: undefined, to: undefined }, { host: "example.com", store: "archive", type: "archive", user: "alice", what: "item 11", from: undefined, to: undefined });
  assert.match((report.difference!.to as { value: string }).value, /changed/);
  // A keyval record the target lacks, and one only the target has, are named with their user.
  await (await to.manager.open("example.com", "roster")).set("bob", undefined);
  await mam.set("alice", "a-00010", (await (await from.manager.open("example.com", "archive", "archive")).get("alice", "a-00010"))!.value);
  assert.deepEqual({ ...(await verifySources(from, to)).difference, from: undefined }, { host: "example.com", store: "roster", type: "keyval", user: "bob", what: "only in the source", from: undefined });
  await (await to.manager.open("example.com", "roster")).set("bob", (await (await from.manager.open("example.com", "roster")).get("bob"))!);
  await (await to.manager.open("example.com", "roster")).set("zed", { "x@example.com": { subscription: "none" } });
  assert.deepEqual((await verifySources(from, to)).difference?.user, "zed");
  // Stores the target holds beyond what the source has are not compared.
  await (await to.manager.open("example.com", "roster")).set("zed", undefined);
  await (await to.manager.open("other.example", "vcard")).set("zoe", { a: "b" });
  assert.equal((await verifySources(from, to)).equal, true);
  for (const s of [from, to]) await s.manager.close();
});

test("ls and get as library functions", async () => {
  const source = memorySource("from");
  await fillSample(source.manager, 5);
  // Items count as migrate moves them: a keyval record 1, an archive item 1 (issue 13, item 8).
  const hosts = await listHosts(source);
  assert.deepEqual(hosts, [
    { host: "conference.example.com", stores: 2, users: 1, items: 1 + 1 },
    { host: "example.com", stores: 5, users: 3, items: 1 + 2 + 1 + 5 + 1 + 3 + 1 },
  ]);
  const migrated = await migrate({ from: source, to: memorySource("copy") });
  assert.equal(hosts.reduce((n, h) => n + h.items, 0), migrated.items);
  const stores = await listStores(source, { hosts: ["example.com"] });
  assert.deepEqual(stores.find((s) => s.store === "archive"), { host: "example.com", store: "archive", type: "archive", users: 2, items: 6 });
  assert.deepEqual(await listUsers(source, { host: "example.com", store: "roster", type: "keyval" }), [
    { user: "alice", type: "keyval", items: 1, keys: 2 },
    { user: "bob", type: "keyval", items: 1, keys: 1 },
  ]);
  const chunks: string[] = [];
  assert.equal(await writeUserData(source, "example.com", "archive", "bob", (c) => void chunks.push(c)), true);
  const bob = JSON.parse(chunks.join(""));
  assert.equal(bob.archive.length, 1);
  assert.equal(bob.keyval, undefined);
  chunks.length = 0;
  assert.equal(await writeUserData(source, "example.com", "pubsub_nodes", null, (c) => void chunks.push(c)), true);
  assert.deepEqual(Object.keys(JSON.parse(chunks.join("")).keyval), ["princely_musings"]);
  chunks.length = 0;
  assert.equal(await writeUserData(source, "example.com", "roster", "nobody", (c) => void chunks.push(c)), false);
  assert.equal(chunks.join(""), "{}\n");
  await source.manager.close();
});
