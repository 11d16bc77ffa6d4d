/**
 * A real XMPP client for the server tests: @xmpp/client over plain TCP to a loopback Prosody,
 * logging in with one SCRAM mechanism only (SCRAM-SHA-1 unless told; the login fails if the
 * server does not offer it, and PLAIN is never used), with the few requests the tests need
 * (roster, vCard, private XML, MAM paging, in-band password change) and every message it
 * receives kept in order.
 */
import { client, xml, type Client } from "@xmpp/client";
import type { Element } from "ltx";
import { scramMechanism } from "./scram-client.js";

export type ScramName = "SCRAM-SHA-1" | "SCRAM-SHA-256";

export interface TestClient {
  xmpp: Client;
  /** The SASL mechanisms the server offered, and the one this client used. */
  offered: string[];
  mechanism: string;
  /** Messages received so far (MAM results excluded), in order. */
  messages: Element[];
  /** Waits until `count` messages arrived (rejects after `ms`). */
  waitForMessages(count: number, ms?: number): Promise<Element[]>;
  get(child: Element, to?: string): Promise<Element>;
  set(child: Element, to?: string): Promise<Element>;
  mamPages(max: number): Promise<MamPageSeen[]>;
  stop(): Promise<void>;
}

export interface MamPageSeen {
  /** The forwarded messages' archive ids and bodies. */
  items: Array<{ id: string; body: string | null; stamp: string | undefined }>;
  complete: boolean;
  count: number | undefined;
  first: string | undefined;
  last: string | undefined;
}

/** Connects as user@domain to 127.0.0.1:port and resolves once online (bound, not yet present). */
export async function connectClient(port: number, domain: string, username: string, password: string, scram: ScramName = "SCRAM-SHA-1"): Promise<TestClient> {
  const seen: { offered: string[]; mechanism: string } = { offered: [], mechanism: "" };
  const xmpp = client({
    service: `xmpp://127.0.0.1:${port}`,
    domain,
    resource: "xmppstore-test",
    // Chooses the mechanism itself: the SCRAM asked for or nothing, never PLAIN.
    credentials: async (authenticate: (credentials: object, mechanism: string) => Promise<void>, mechanisms: string[]) => {
      seen.offered = [...mechanisms];
      if (!mechanisms.includes(scram)) throw new Error(`the server offers ${mechanisms.join(", ")}, not ${scram}`);
      seen.mechanism = scram;
      await authenticate({ username, password }, scram);
    },
  });
  // Our SCRAM (UTF-8 names; SHA-256 too) replaces the stock SCRAM-SHA-1: saslmechanisms' factory
  // takes the first registered mechanism of a name, so ours goes first.
  xmpp.saslFactory._mechs.unshift({ name: scram, mech: scramMechanism(scram) });
  xmpp.reconnect.stop();
  const messages: Element[] = [];
  const mamResults = new Map<string, Element[]>();
  const waiters: Array<() => void> = [];
  xmpp.on("stanza", (stanza: Element) => {
    if (!stanza.is("message")) return;
    const result = stanza.getChild("result", "urn:xmpp:mam:2");
    if (result) {
      const queryid = String(result.attrs.queryid);
      mamResults.set(queryid, [...(mamResults.get(queryid) ?? []), result]);
      return;
    }
    messages.push(stanza);
    for (const wake of waiters.splice(0)) wake();
  });
  xmpp.on("error", () => undefined); // failures surface through start() and requests
  await xmpp.start();

  const request = (type: "get" | "set", child: Element, to?: string) => xmpp.iqCaller.request(xml("iq", { type, ...(to ? { to } : {}) }, child));
  let queries = 0;
  return {
    xmpp,
    offered: seen.offered,
    mechanism: seen.mechanism,
    messages,
    async waitForMessages(count, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (messages.length < count) {
        if (Date.now() > deadline) throw new Error(`${messages.length} messages arrived, expected ${count}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
      return messages.slice();
    },
    get: (child, to) => request("get", child, to),
    set: (child, to) => request("set", child, to),
    /** Pages through the whole archive forwards, `max` items a page, with RSM `after`. */
    async mamPages(max) {
      const pages: MamPageSeen[] = [];
      let after: string | undefined;
      for (;;) {
        const queryid = `q${++queries}`;
        const set = xml("set", { xmlns: "http://jabber.org/protocol/rsm" }, xml("max", {}, String(max)), ...(after ? [xml("after", {}, after)] : []));
        const reply = await request("set", xml("query", { xmlns: "urn:xmpp:mam:2", queryid }, set));
        const fin = reply.getChild("fin", "urn:xmpp:mam:2")!;
        const rsm = fin.getChild("set", "http://jabber.org/protocol/rsm");
        const count = rsm?.getChildText("count");
        const items = (mamResults.get(queryid) ?? []).map((result) => {
          const forwarded = result.getChild("forwarded", "urn:xmpp:forward:0");
          return {
            id: String(result.attrs.id),
            body: forwarded?.getChild("message")?.getChildText("body") ?? null,
            stamp: forwarded?.getChild("delay", "urn:xmpp:delay")?.attrs.stamp as string | undefined,
          };
        });
        const page: MamPageSeen = {
          items,
          complete: fin.attrs.complete === "true",
          count: count == null ? undefined : Number(count),
          first: rsm?.getChildText("first") ?? undefined,
          last: rsm?.getChildText("last") ?? undefined,
        };
        pages.push(page);
        if (page.complete || items.length === 0 || pages.length > 100) return pages;
        after = page.last;
      }
    },
    async stop() {
      await xmpp.stop().catch(() => undefined);
    },
  };
}

export { xml };
