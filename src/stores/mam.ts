import { Element } from "ltx";
import { storageError } from "../errors.js";
import type { ArchiveItem, ArchiveQuery, ArchiveResult, ArchiveStore, User } from "../contracts/index.js";

/**
 * XEP-0313 (Message Archive Management) queries on any archive store, with the semantics of
 * Prosody's mod_mam: RSM `max` capped by the server, one extra item fetched to tell whether
 * the page is complete, `<before/>` paging backwards, `<flip-page/>` reversing a page.
 */

export const MAM_NS = "urn:xmpp:mam:2";
export const RSM_NS = "http://jabber.org/protocol/rsm";
const DATA_FORMS_NS = "jabber:x:data";

/** A MAM query as a client sends it (form fields and RSM set), times in Unix seconds. */
export interface MamQuery {
  with?: string;
  start?: number;
  end?: number;
  /** Form fields `before-id` / `after-id` (extended MAM). */
  beforeId?: string;
  afterId?: string;
  /** Form field `ids`: fetch these items only. */
  ids?: string[];
  /** Result Set Management: `before: true` is an empty `<before/>` (the last page). */
  rsm?: { max?: number; before?: string | true; after?: string };
  /** `<flip-page/>`: return the page in the opposite order. */
  flipPage?: boolean;
}

/** Server limits, as mod_mam's options (defaults are Prosody's). */
export interface MamLimits {
  /** Page size when the client gives no `max`. Default 20. */
  defaultMax?: number;
  /** `max_archive_query_results`: the largest page. Default 50. */
  maxMax?: number;
  /** `mam_include_total`: count all matches for RSM `<count/>`. Default true. */
  includeTotal?: boolean;
}

/** One page of results, in the order to send them. */
export interface MamPage {
  items: ArchiveItem[];
  /** RSM `<first/>` and `<last/>`: ids of the page's ends in archive order. */
  first?: string;
  last?: string;
  /** False when more items match beyond this page. */
  complete: boolean;
  /** RSM `<count/>`: items matching the query, when counted. */
  count?: number;
}

/** How a MAM query runs against an archive store. */
export interface MamPlan {
  query: ArchiveQuery;
  max: number;
  reverse: boolean;
  flip: boolean;
}

const MAM = { backend: "mam" } as const;

function checkTime(value: unknown, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) throw storageError("invalid-input", `${what} must be a time in seconds`, MAM);
  return value;
}

/** The archive query for a MAM query (`with` already a store value: a bare JID or `message<groupchat`). */
export function planMamQuery(mam: MamQuery, limits: MamLimits = {}, withValue?: string): MamPlan {
  const { defaultMax = 20, maxMax = 50, includeTotal = true } = limits;
  const rsm = mam.rsm ?? {};
  if (rsm.max !== undefined && !(Number.isSafeInteger(rsm.max) && rsm.max >= 0)) throw storageError("invalid-input", "rsm.max must be a whole number >= 0", MAM);
  const max = Math.min(rsm.max ?? defaultMax, maxMax);
  const reverse = rsm.before !== undefined;
  const before = typeof rsm.before === "string" && rsm.before !== "" ? rsm.before : mam.beforeId;
  const after = rsm.after ?? mam.afterId;
  const query: ArchiveQuery = {
    start: checkTime(mam.start, "start"),
    end: checkTime(mam.end, "end"),
    with: withValue,
    limit: max === 0 ? 0 : max + 1,
    before,
    after,
    ids: mam.ids,
    reverse,
    total: includeTotal || max === 0,
  };
  for (const key of Object.keys(query) as Array<keyof ArchiveQuery>) if (query[key] === undefined) delete query[key];
  return { query, max, reverse, flip: mam.flipPage ? !reverse : reverse };
}

/** Turns an archive result into a MAM page (reads at most `max + 1` items). */
export async function pageFromResult(plan: MamPlan, result: ArchiveResult): Promise<MamPage> {
  const items: ArchiveItem[] = [];
  let complete = true;
  for await (const item of result) {
    if (items.length === plan.max) {
      complete = false;
      break;
    }
    items.push(item);
  }
  let first = items[0]?.id;
  let last = items[items.length - 1]?.id;
  if (plan.reverse) [first, last] = [last, first];
  const page: MamPage = { items: plan.flip ? items.reverse() : items, complete };
  if (first !== undefined) page.first = first;
  if (last !== undefined) page.last = last;
  if (result.total !== undefined) page.count = result.total;
  return page;
}

/** Runs a MAM query on `store` for `user`. */
export async function queryArchive(store: ArchiveStore, user: User, mam: MamQuery, limits?: MamLimits, withValue?: string): Promise<MamPage> {
  const plan = planMamQuery(mam, limits, withValue);
  return pageFromResult(plan, await store.find(user, plan.query));
}

function parseStamp(text: string, field: string): number {
  // XEP-0082 date-time; Date.parse accepts that profile of ISO 8601.
  const ms = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw storageError("invalid-input", `form field ${field} is not an XEP-0082 date-time: ${JSON.stringify(text)}`, MAM);
  return ms / 1000;
}

/** Reads a `<query xmlns="urn:xmpp:mam:2"/>` element (its data form and RSM set) into a MamQuery. */
export function parseMamQuery(query: Element): MamQuery {
  if (!(query instanceof Element) || query.name !== "query" || query.attrs.xmlns !== MAM_NS) {
    throw storageError("invalid-input", `expected <query xmlns="${MAM_NS}"/>`);
  }
  const mam: MamQuery = {};
  const form = query.getChild("x", DATA_FORMS_NS);
  if (form) {
    const fields = new Map<string, string[]>();
    for (const field of form.getChildren("field")) {
      fields.set(String(field.attrs.var), field.getChildren("value").map((value) => value.getText()));
    }
    const formType = fields.get("FORM_TYPE")?.[0];
    if (formType !== MAM_NS) throw storageError("invalid-input", `unexpected FORM_TYPE ${JSON.stringify(formType ?? "")}, expected ${MAM_NS}`);
    const one = (name: string) => fields.get(name)?.[0];
    if (one("with") !== undefined) mam.with = one("with");
    if (one("start") !== undefined) mam.start = parseStamp(one("start")!, "start");
    if (one("end") !== undefined) mam.end = parseStamp(one("end")!, "end");
    if (one("before-id") !== undefined) mam.beforeId = one("before-id");
    if (one("after-id") !== undefined) mam.afterId = one("after-id");
    if (fields.has("ids")) mam.ids = fields.get("ids");
  }
  const set = query.getChild("set", RSM_NS);
  if (set) {
    const rsm: NonNullable<MamQuery["rsm"]> = {};
    const max = set.getChildText("max");
    if (max !== null) {
      if (!/^\d+$/.test(max.trim())) throw storageError("invalid-input", `RSM <max/> is not a number: ${JSON.stringify(max)}`, MAM);
      rsm.max = Number(max.trim());
    }
    const before = set.getChild("before");
    if (before) rsm.before = before.getText() === "" ? true : before.getText();
    const after = set.getChildText("after");
    if (after !== null && after !== "") rsm.after = after;
    mam.rsm = rsm;
  }
  if (query.getChild("flip-page")) mam.flipPage = true;
  return mam;
}

/** The `<fin/>` element that ends a MAM result, with its RSM set. */
export function finElement(page: MamPage): Element {
  const fin = new Element("fin", page.complete ? { xmlns: MAM_NS, complete: "true" } : { xmlns: MAM_NS });
  const set = fin.c("set", { xmlns: RSM_NS });
  if (page.first !== undefined) set.c("first").t(page.first);
  if (page.last !== undefined) set.c("last").t(page.last);
  if (page.count !== undefined) set.c("count").t(String(page.count));
  return fin;
}
