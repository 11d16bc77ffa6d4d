/**
 * The data of the reusable Prosody data set (see prosody-dataset.ts for how to write, read and
 * compare it). It covers every store of Prosody's "Common stores" table, shaped as the 0.12
 * modules write them, with awkward user names and values. It avoids what some Prosody backend
 * itself loses (see prosody-facts.md, "quirks"): no top-level `false` values, no floats needing
 * more than 14 digits, no non-UTF-8 strings, no NUL, no `\r` or tabs in XML, integer `when`
 * before 2038, so that every backend (internal, SQLite, PostgreSQL, MySQL) keeps all of it.
 */
import { createHash, createHmac, pbkdf2Sync } from "node:crypto";
import { Element, parse } from "ltx";
import { LuaTable, tableFromPairs, type LuaKey, type Value } from "../../src/values/index.js";

export const HOST = "example.com";
export const MUC_HOST = "conference.example.com";
export const PUBSUB_HOST = "pubsub.example.com";
export const DATASET_HOSTS = [HOST, MUC_HOST, PUBSUB_HOST];

export const LONG_USER = "this.is.a.rather.long.user-name.that.goes.on_and_on".padEnd(60, "z");
/** Plain and awkward user names: spaces, `_`, CJK, date-like, 60 characters, `%` and `.`. */
export const DATASET_USERS = ["juliet", "john doe", "under_score", "用户", "2024-01-01", LONG_USER, "100%.sure", "dot.ted"];

/** What mod_storage_* receive from `st.preserialize(stanza)`: `{ name, attr, [1..n] = children }`. */
export function preserialize(element: Element): Value {
  const pairs: Array<[LuaKey, Value]> = [
    ["name", element.name],
    ["attr", { ...(element.attrs as Record<string, string>) }],
  ];
  element.children.forEach((child, i) => {
    pairs.push([i + 1, typeof child === "string" ? child : preserialize(child as Element)]);
  });
  return tableFromPairs(pairs);
}

/** The account record mod_auth_internal_hashed writes (SCRAM-SHA-1, 10000 iterations, UUID salt). */
export function scramAccount(password: string, salt: string, iterations = 10000): Value {
  const salted = pbkdf2Sync(password, salt, iterations, 20, "sha1");
  const clientKey = createHmac("sha1", salted).update("Client Key").digest();
  return {
    stored_key: createHash("sha1").update(clientKey).digest("hex"),
    server_key: createHmac("sha1", salted).update("Server Key").digest("hex"),
    salt,
    iteration_count: iterations,
  };
}

export interface DatasetItem {
  id: string;
  value: Element;
  when: number;
  /** "" where Prosody passes nil (PEP/pubsub: see DatasetArchive.nilWith) or "" (offline). */
  with: string;
}

export interface DatasetKeyval {
  host: string;
  store: string;
  user: string | null;
  value: Value;
  /** Written key by key through a map store, as mod_private / mod_pep / mod_muc do. */
  via?: "map";
}

export interface DatasetArchive {
  host: string;
  store: string;
  user: string | null;
  /** In archive order (oldest first). */
  items: DatasetItem[];
  /** Prosody appends these with `with = nil` (stored as nil in files, '' in SQL). */
  nilWith?: boolean;
}

export interface ProsodyDataset {
  hosts: string[];
  keyval: DatasetKeyval[];
  archive: DatasetArchive[];
}

const T0 = 1696325408; // 2023-10-03T09:30:08Z

function message(attrs: Record<string, string>, body: string, extra = ""): Element {
  const el = parse(`<message>${extra}</message>`) as Element;
  el.attrs = { ...attrs };
  const bodyEl = new Element("body");
  bodyEl.t(body);
  el.children.unshift(bodyEl);
  bodyEl.parent = el;
  return el;
}

function xml(text: string): Element {
  return parse(text) as Element;
}

const salts = ["9661d64c-5ccf-4d68-91fc-e6c7ff159fc5", "0b5e8b4f-2f8e-4a53-9c9e-6f1d2a3b4c5d", "c0ffee00-1234-4abc-8def-0123456789ab"];

function accounts(): DatasetKeyval[] {
  return DATASET_USERS.map((user, i) => ({
    host: HOST,
    store: "accounts",
    user,
    // one account as mod_auth_internal_plain wrote it, the rest hashed
    value: user === "dot.ted" ? { password: "pa ss\"wörd\n" } : scramAccount(`secret-${i}-ünï`, salts[i % salts.length]),
  }));
}

const LONG_TEXT = Array.from({ length: 400 }, (_, i) => `line ${i}: Zoë's "quote" & <tag> ✓`).join("\n");

function accountDetails(): DatasetKeyval[] {
  return [
    { host: HOST, store: "account_details", user: "juliet", value: { name: "Juliet Capulet", email: "juliet@capulet.example", url: "https://capulet.example/~juliet" } },
    {
      host: HOST,
      store: "account_details",
      user: "john doe",
      value: {
        name: 'John "Johnny" O\'Doe',
        note: "first line\nsecond line\n\ttabbed and trailing \\ backslash",
        bio: LONG_TEXT,
        age: 42,
        score: -3.25,
        ratio: 0.5,
        balance: -100,
        big: 2n ** 60n,
        nested: { a: { b: { c: [1, "two", { three: false, four: [] as Value[] }] } } },
        flags: [true, false, true],
        "": "empty key",
        "123": "numeric-looking key",
        "$dollar": "a key starting with $",
      },
    },
    { host: HOST, store: "account_details", user: "用户", value: { name: "用户名 😀", email: "yonghu@example.com" } },
  ];
}

function roster(): DatasetKeyval[] {
  const meta = (version: number, pending: Record<string, Value> = {}) => ({ version, pending });
  return [
    {
      host: HOST,
      store: "roster",
      user: "juliet",
      value: new LuaTable([
        [false, meta(7, { "stranger1@elsewhere.example": true, "用户@example.com": true })],
        ["romeo@montague.example", { subscription: "both", name: "Romeo ❤", groups: { Montague: true, "Family & Friends": true } }],
        ["nurse@capulet.example", { subscription: "to", groups: {} }],
        ["john doe@example.com", { subscription: "from", name: "Zoë", groups: { Work: true } }],
        ["under_score@example.com", { subscription: "none", ask: "subscribe", groups: {} }],
        ["example.org", { subscription: "both", name: "a server", groups: {} }],
        ["tybalt@capulet.example/sword", { subscription: "none", name: 'say "hi"\nnext line', groups: { "敵": true } }],
      ]),
    },
    {
      host: HOST,
      store: "roster",
      user: "john doe",
      value: new LuaTable([
        [false, meta(1)],
        ["juliet@example.com", { subscription: "to", name: "Zo\u00eb", groups: {} }],
      ]),
    },
    { host: HOST, store: "roster", user: "用户", value: new LuaTable([[false, meta(3, { "juliet@example.com": true })]]) },
    {
      host: HOST,
      store: "roster",
      user: LONG_USER,
      value: new LuaTable([[false, meta(2)], ["100%.sure@example.com", { subscription: "both", groups: { "100%": true } }]]),
    },
  ];
}

function vcards(): DatasetKeyval[] {
  return [
    {
      host: HOST,
      store: "vcard",
      user: "juliet",
      value: preserialize(xml(
        `<vCard xmlns="vcard-temp"><FN>Juliet Capulet</FN><N><FAMILY>Capulet</FAMILY><GIVEN>Juliet</GIVEN></N>` +
          `<NICKNAME>Jules &amp; co</NICKNAME><DESC>Wherefore art thou?\nLine two: "quoted" &lt;b&gt;</DESC>` +
          `<PHOTO><TYPE>image/png</TYPE><BINVAL>iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==</BINVAL></PHOTO></vCard>`,
      )),
    },
    { host: HOST, store: "vcard", user: "用户", value: preserialize(xml(`<vCard xmlns="vcard-temp"><FN>用户 😀</FN></vCard>`)) },
  ];
}

function privateXml(): DatasetKeyval[] {
  const bookmarks = xml(`<storage xmlns="storage:bookmarks"><conference jid="lounge@conference.example.com" autojoin="true" name="The Lounge"><nick>Jules</nick></conference></storage>`);
  const notes = xml(`<storage xmlns="storage:rosternotes"><note jid="romeo@montague.example" cdate="2023-01-01T00:00:00Z" mdate="2023-06-01T12:34:56Z">Met at conference.\nLikes "tea" &amp; &lt;cake&gt;</note></storage>`);
  const prefs = xml(`<prefs xmlns="urn:example:prefs" xml:lang="de"><theme>dark</theme><empty/></prefs>`);
  return [
    {
      host: HOST, store: "private", user: "juliet", via: "map",
      value: { "storage:storage:bookmarks": preserialize(bookmarks), "storage:storage:rosternotes": preserialize(notes) },
    },
    { host: HOST, store: "private", user: "under_score", via: "map", value: { "prefs:urn:example:prefs": preserialize(prefs) } },
  ];
}

function blocking(): DatasetKeyval[] {
  return [
    { host: HOST, store: "blocklist", user: "juliet", value: new LuaTable([[false, { created: T0 - 86400 }], ["evil.example", true], ["tybalt@capulet.example", true]]) },
    { host: HOST, store: "blocklist", user: "2024-01-01", value: new LuaTable([[false, { created: T0, migrated: "privacy" }], ["spam@spam.example", true]]) },
    {
      host: HOST,
      store: "privacy",
      user: "2024-01-01",
      value: {
        default: "block-spam",
        lists: {
          "block-spam": {
            name: "block-spam",
            items: [
              { type: "jid", value: "spam@spam.example", action: "deny", order: 1, message: true, iq: false, "presence-in": false, "presence-out": false },
              { action: "allow", order: 2 },
            ],
          },
        },
      },
    },
  ];
}

function mam(): DatasetArchive[] {
  const romeo = "romeo@montague.example";
  const nurse = "nurse@capulet.example";
  const texts = ["Quotes: 'single' \"double\" `back`", "Zoë ❤ 用户 😀", "multi\nline\n\ntext", "<not a tag> & ampersand", "short", "x".repeat(3000)];
  const items: DatasetItem[] = [];
  for (let i = 0; i < 12; i++) {
    const peer = i % 3 === 2 ? nurse : romeo;
    const incoming = i % 2 === 0;
    items.push({
      id: `mam-${String(i).padStart(2, "0")}-${"7mVmx7YNHBxhO2gtNW7fS".slice(i % 5, i % 5 + 8)}`,
      value: message(
        { type: "chat", id: `msg${i}`, from: incoming ? `${peer}/web-3f2a` : "juliet@example.com/phone", to: incoming ? "juliet@example.com" : peer },
        texts[i % texts.length],
        i % 4 === 1 ? `<active xmlns="http://jabber.org/protocol/chatstates"/>` : "",
      ),
      when: T0 + i * 60,
      with: peer,
    });
  }
  return [
    { host: HOST, store: "archive", user: "juliet", items },
    {
      host: HOST,
      store: "archive",
      user: "用户",
      items: [{ id: "b6a1d2c3-0000-4000-8000-000000000001", value: message({ type: "chat", to: "用户@example.com", from: "juliet@example.com/x" }, "你好"), when: T0 + 5, with: "juliet@example.com" }],
    },
  ];
}

function offline(): DatasetArchive[] {
  const delayed = message({ type: "chat", from: "romeo@montague.example/web", to: "john doe@example.com", id: "off1" }, "You were away", `<delay xmlns="urn:xmpp:delay" from="example.com" stamp="2023-10-03T09:31:00Z"/>`);
  return [{ host: HOST, store: "offline", user: "john doe", items: [{ id: "offline-1", value: delayed, when: T0 + 52, with: "" }] }];
}

function muc(): { keyval: DatasetKeyval[]; archive: DatasetArchive[] } {
  const room = (node: string, name: string, owner: string) => ({
    host: MUC_HOST,
    store: "config",
    user: node,
    value: {
      _jid: `${node}@${MUC_HOST}`,
      _data: {
        name, description: "Chat about \"things\" & stuff\nsecond line", persistent: true, public: true, members_only: false,
        moderated: false, whois: "moderators", history_length: 20, changesubject: false, language: "en",
        subject: "Today's topic: Ünïcode", subject_from: `${node}@${MUC_HOST}/${owner}`,
      },
      _affiliation_data: { [`${owner}@example.com`]: { reserved_nickname: owner } },
      [`${owner}@example.com`]: "owner",
      "romeo@montague.example": "member",
      "tybalt@capulet.example": "outcast",
    },
  });
  const groupchat = (nick: string, body: string, i: number): DatasetItem => ({
    id: `muc-${i}`,
    value: message({ type: "groupchat", from: `lounge@${MUC_HOST}/${nick}`, id: `gc${i}` }, body),
    when: T0 + 100 + i,
    with: "message<groupchat",
  });
  return {
    keyval: [
      { host: MUC_HOST, store: "persistent", user: null, via: "map", value: { [`lounge@${MUC_HOST}`]: true, [`café@${MUC_HOST}`]: true } },
      room("lounge", "The Lounge", "juliet"),
      room("café", "Café ☕", "用户"),
    ],
    archive: [
      {
        host: MUC_HOST,
        store: "muc_log",
        user: "lounge",
        items: [groupchat("Jules", "Hello room!", 1), groupchat("Romeo", "Hi \"all\" <3", 2), groupchat("用户", "你好", 3)],
      },
    ],
  };
}

function node(name: string, owner: string, extra: Record<string, Value> = {}): Value {
  return {
    name,
    config: { persist_items: true, max_items: 256, access_model: "presence", publish_model: "publishers", title: name, ...extra },
    affiliations: { [owner]: "owner" },
    subscribers: { [`${owner}/resource`]: true },
  };
}

function pubsubItem(id: string, payload: string, when: number): DatasetItem {
  return { id, value: xml(payload), when, with: "" };
}

function pubsub(): { keyval: DatasetKeyval[]; archive: DatasetArchive[] } {
  const nodes = ["princely_musings", "ünïcode node"];
  return {
    keyval: nodes.map((n) => ({ host: PUBSUB_HOST, store: "pubsub_nodes", user: n, value: node(n, "juliet@example.com", { description: `Node ${n}` }) })),
    archive: nodes.map((n, k) => ({
      host: PUBSUB_HOST,
      store: `pubsub_${n}`,
      user: null,
      nilWith: true,
      items: [1, 2].map((i) => pubsubItem(
        `${k}${i}db691c9e625f758f6c64059ba4a19`,
        `<entry xmlns="http://www.w3.org/2005/Atom"><title>Post ${i} on ${n}</title><content type="text">Body &amp; soul ${i}</content></entry>`,
        T0 + 1000 * (k + 1) + i,
      )),
    })),
  };
}

function pep(): { keyval: DatasetKeyval[]; archive: DatasetArchive[] } {
  const nick = "http://jabber.org/protocol/nick";
  const devices = "eu.siacs.conversations.axolotl.devicelist";
  return {
    keyval: [
      { host: HOST, store: "pep", user: "juliet", via: "map", value: { [nick]: node(nick, "juliet@example.com"), [devices]: node(devices, "juliet@example.com", { access_model: "open" }) } },
      { host: HOST, store: "pep", user: "用户", via: "map", value: { [nick]: node(nick, "用户@example.com") } },
    ],
    archive: [
      { host: HOST, store: `pep_${nick}`, user: "juliet", nilWith: true, items: [pubsubItem("current", `<nick xmlns="${nick}">Jules ❤</nick>`, T0 + 7)] },
      { host: HOST, store: `pep_${devices}`, user: "juliet", nilWith: true, items: [pubsubItem("current", `<list xmlns="eu.siacs.conversations.axolotl"><device id="12345"/><device id="67890" label="phone"/></list>`, T0 + 8)] },
      { host: HOST, store: `pep_${nick}`, user: "用户", nilWith: true, items: [pubsubItem("current", `<nick xmlns="${nick}">用户</nick>`, T0 + 9)] },
    ],
  };
}

/** A fresh copy of the data set (mutating it never affects another test). */
export function buildDataset(): ProsodyDataset {
  const mucData = muc();
  const pubsubData = pubsub();
  const pepData = pep();
  return {
    hosts: [...DATASET_HOSTS],
    keyval: [...accounts(), ...accountDetails(), ...roster(), ...vcards(), ...privateXml(), ...blocking(), ...mucData.keyval, ...pubsubData.keyval, ...pepData.keyval],
    archive: [...mam(), ...offline(), ...mucData.archive, ...pubsubData.archive, ...pepData.archive],
  };
}
