// The part of @xmpp/client (which ships no types) that the server tests use. Stanzas are ltx
// Elements, as in the rest of xmppstore.
declare module "@xmpp/client" {
  import type { Element } from "ltx";

  export interface Client {
    start(): Promise<unknown>;
    stop(): Promise<unknown>;
    on(event: "stanza", listener: (stanza: Element) => void): this;
    on(event: "error", listener: (error: Error) => void): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
    send(stanza: Element): Promise<void>;
    iqCaller: { request(stanza: Element, timeout?: number): Promise<Element> };
    reconnect: { stop(): void };
    /** saslmechanisms' Factory; `_mechs` is its ordered list (the first of a name wins). */
    saslFactory: { use(name: string, mech: unknown): unknown; _mechs: Array<{ name: string; mech: unknown }> };
  }

  export interface ClientOptions {
    service: string;
    domain?: string;
    resource?: string;
    username?: string;
    password?: string;
    /** Called with (authenticate, offered mechanisms, fast, entity) to log in. */
    credentials?: (authenticate: (credentials: object, mechanism: string) => Promise<void>, mechanisms: string[]) => Promise<void>;
  }

  export function client(options: ClientOptions): Client;
  export function xml(name: string, attrs?: Record<string, string>, ...children: Array<Element | string>): Element;
}
