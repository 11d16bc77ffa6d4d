import { randomUUID } from "node:crypto";
import type { Element } from "ltx";
import type { ArchiveStore, User } from "../contracts/index.js";
import type { Value, ValueObject } from "../values/index.js";
import { collect, invalidInput, nowSeconds, pairsOf, stringFields, type StoreScope } from "./common.js";
import { prepJid, storedUsername } from "./jid.js";
import { checkElement } from "./stanza-table.js";

const AFFILIATIONS = ["owner", "publisher", "publish-only", "member", "none", "outcast"];

/** A node as util.pubsub saves it (`{ name, config, subscribers, affiliations }`). */
export interface PubsubNode {
  name: string;
  /** Node configuration (`max_items`, `persist_items`, `access_model`, `title`, …). */
  config: ValueObject;
  /** Subscriber JID -> `true` or its subscription options. */
  subscribers: ValueObject;
  /** JID -> affiliation (`owner`, `publisher`, `publish-only`, `member`, `none`, `outcast`). */
  affiliations: Record<string, string>;
}

/** A published item: the payload (the `<item/>`'s child) and who published it when. */
export interface PubsubItem {
  id: string;
  payload: Element;
  when: number;
  /** Empty when Prosody did not record the publisher. */
  publisher: string;
}

/** One PubSub service: a host's (mod_pubsub) or one user's PEP (mod_pep). */
export interface PubsubService {
  nodes(): Promise<string[]>;
  getNode(node: string): Promise<PubsubNode | undefined>;
  setNode(node: PubsubNode): Promise<void>;
  /** Deletes the node and its items. */
  deleteNode(node: string): Promise<void>;
  /**
   * Publishes an item (a new id if `id` is null); an existing id is replaced. Keeps at most the
   * node's numeric `max_items`, dropping the oldest, as Prosody's item store does.
   */
  publish(node: string, id: string | null, payload: Element, publisher?: string): Promise<string>;
  /** Items, newest first, at most `limit`. */
  items(node: string, limit?: number): Promise<PubsubItem[]>;
  getItem(node: string, id: string): Promise<PubsubItem | undefined>;
  /** Removes an item; false if there was none. */
  retract(node: string, id: string): Promise<boolean>;
}

/** PEP services of a host's users. */
export interface PepStore {
  of(user: string): PubsubService;
  /** Users with PEP nodes. */
  owners(): AsyncIterable<string>;
}

/** Where a service keeps its node records. */
interface NodeStore {
  names(): Promise<string[]>;
  get(node: string): Promise<Value | undefined>;
  set(node: string, value: Value | undefined): Promise<void>;
}

function nodeFromTable(name: string, value: Value): PubsubNode {
  // mod_pep once stored only `true` (persist items) per node; it reads that as a blank node.
  const fields = stringFields(value) ?? {};
  const affiliations: Record<string, string> = {};
  for (const [jid, affiliation] of pairsOf(fields.affiliations)) {
    if (typeof jid === "string" && typeof affiliation === "string") affiliations[jid] = affiliation;
  }
  return { name, config: stringFields(fields.config) ?? {}, subscribers: stringFields(fields.subscribers) ?? {}, affiliations };
}

function service(scope: StoreScope, label: string, nodes: NodeStore, archives: { prefix: string; data: string; user: User }): PubsubService {
  const archive = (node: string): Promise<ArchiveStore> =>
    scope.sm.openOn(scope.host, archives.data, `${archives.prefix}${node}`, "archive");
  const checkNode = (node: unknown): string => {
    if (typeof node !== "string" || node === "") throw invalidInput(label, scope, "a node name must be a non-empty string");
    return node;
  };
  const toItem = (id: string, item: { value: Element; when: number; with: string }): PubsubItem => ({
    id,
    payload: item.value,
    when: item.when,
    publisher: item.with,
  });

  return {
    nodes: () => nodes.names(),
    async getNode(node) {
      const value = await nodes.get(checkNode(node));
      return value === undefined ? undefined : nodeFromTable(node, value);
    },
    async setNode(node) {
      const name = checkNode(node?.name);
      const affiliations: ValueObject = {};
      for (const [jid, affiliation] of Object.entries(node.affiliations ?? {})) {
        if (!AFFILIATIONS.includes(affiliation)) throw invalidInput(label, scope, `unknown affiliation ${JSON.stringify(affiliation)}`);
        affiliations[prepJid(jid, "affiliated JID")] = affiliation;
      }
      const subscribers: ValueObject = {};
      for (const [jid, options] of Object.entries(node.subscribers ?? {})) subscribers[prepJid(jid, "subscriber")] = options;
      await nodes.set(name, { name, config: node.config ?? {}, subscribers, affiliations });
    },
    async deleteNode(node) {
      await nodes.set(checkNode(node), undefined);
      await (await archive(node)).delete(archives.user);
    },
    async publish(node, id, payload, publisher) {
      checkNode(node);
      checkElement(payload, undefined, undefined, `[${label}] item payload`);
      if (id !== null && (typeof id !== "string" || id === "")) throw invalidInput(label, scope, "an item id must be a non-empty string or null");
      const by = publisher === undefined ? undefined : prepJid(publisher, "publisher");
      const store = await archive(node);
      const key = await store.append(archives.user, id ?? randomUUID(), payload, nowSeconds(), by);
      const config = nodeFromTable(node, (await nodes.get(node)) ?? {}).config;
      if (typeof config.max_items === "number" && config.max_items >= 0) {
        await store.delete(archives.user, { truncate: config.max_items });
      }
      return key;
    },
    async items(node, limit) {
      const result = await (await archive(checkNode(node))).find(archives.user, { reverse: true, limit });
      return (await collect(result)).map((item) => toItem(item.id, item));
    },
    async getItem(node, id) {
      const item = await (await archive(checkNode(node))).get(archives.user, id);
      return item && toItem(id, item);
    },
    async retract(node, id) {
      const removed = await (await archive(checkNode(node))).delete(archives.user, { key: id });
      return removed === true || removed > 0;
    },
  };
}

/** mod_pubsub's service of a PubSub host: nodes in `pubsub_nodes` (keyed by node name), items in `pubsub_<node>`. */
export function pubsubService(scope: StoreScope): PubsubService {
  const store = () => scope.sm.open(scope.host, "pubsub_nodes");
  const nodes: NodeStore = {
    names: async () => collect((await store()).users()),
    get: async (node) => (await store()).get(node),
    set: async (node, value) => (await store()).set(node, value),
  };
  return service(scope, "pubsub", nodes, { prefix: "pubsub_", data: "pubsub_data", user: null });
}

/** mod_pep: each user's nodes in the map store `pep` (user -> node -> record), items in `pep_<node>`. */
export function pepStore(scope: StoreScope): PepStore {
  const mapStore = () => scope.sm.open(scope.host, "pep", "map");
  const keyval = () => scope.sm.open(scope.host, "pep");
  return {
    of(user) {
      const owner = storedUsername(user);
      const nodes: NodeStore = {
        names: async () => pairsOf(await (await keyval()).get(owner)).flatMap(([node]) => (typeof node === "string" ? [node] : [])),
        get: async (node) => (await mapStore()).get(owner, node),
        set: async (node, value) => (await mapStore()).set(owner, node, value),
      };
      return service(scope, "pep", nodes, { prefix: "pep_", data: "pep_data", user: owner });
    },
    async *owners() {
      yield* (await keyval()).users();
    },
  };
}
