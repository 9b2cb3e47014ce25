import { toSearchParams } from "@/lib/search-params";
import type { letterFiltersQuery, letterListQuery } from "./letter-list-query";
import type { LetterState } from "./types";

// The browser's half of the inbox's contract: the filters the views hold and the API query string
// the hooks send, typed by the routes' schemas (./letter-list-query.ts). No zod at run time.

/** Everything the inbox can be narrowed by, as the browser holds it; undefined / empty means "all". */
export type LetterFilters = {
  cluster?: string;
  /** "vhost/queue" or "stream/consumer". */
  source?: string;
  reason?: string;
  states: LetterState[];
  /** Absolute ISO times: a link from yesterday's alert shows yesterday's letters. */
  from?: string;
  to?: string;
  /** "key:value", as typed. */
  header?: string;
  messageId?: string;
  /** Text in the payload. */
  q: string;
  fingerprint?: string;
  /** The DLQ or capture stream the letters were collected from. */
  collectedFrom?: string;
  /** Letters that came back dead after this job (its id) requeued them. */
  bouncedFromJob?: string;
};

/** A `header` filter the API can use: "key:value" with a key. */
export function isHeaderFilter(v: string | undefined): v is string {
  if (!v) return false;
  const i = v.indexOf(":");
  return i > 0 && v.slice(0, i).trim() !== "";
}

/** The filters as the API's query parameters (the list and the groups share them). */
export function letterFilterParams(f: LetterFilters): URLSearchParams {
  return toSearchParams<typeof letterFiltersQuery>({
    cluster: f.cluster || undefined,
    source: f.source || undefined,
    reason: f.reason || undefined,
    state: f.states.length ? f.states.join(",") : undefined,
    from: f.from || undefined,
    to: f.to || undefined,
    header: isHeaderFilter(f.header) ? f.header : undefined,
    messageId: f.messageId || undefined,
    q: f.q || undefined,
    fingerprint: f.fingerprint || undefined,
    collectedFrom: f.collectedFrom || undefined,
    bouncedFromJob: f.bouncedFromJob || undefined,
  });
}

/** One page of the list: the filters, then where to continue and how many. */
export function letterListParams(f: LetterFilters, cursor: string | null, limit: number): URLSearchParams {
  const p = letterFilterParams(f);
  const page = toSearchParams<typeof letterListQuery>({ cursor: cursor || undefined, limit: String(limit) });
  for (const [k, v] of page) p.set(k, v);
  return p;
}
