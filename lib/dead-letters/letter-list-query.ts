import { z } from "zod";
import { LETTER_STATES, type LetterState } from "./types";
import { toSearchParams } from "@/lib/search-params";

// The inbox's query, once: the routes parse it (GET /api/dead-letters and /groups, and a job's
// "filters" scope), the client hooks build it, the page's URL carries the same names. Client-safe.

export const letterFiltersQuery = z.object({
  cluster: z.string().max(100).optional(),
  source: z.string().max(500).optional(),
  reason: z.string().max(100).optional(),
  state: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(",").filter(Boolean) : []))
    .pipe(z.array(z.enum(LETTER_STATES))),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  header: z
    .string()
    .max(500)
    .regex(/^[^:]+:.*$/, 'must be "key:value"')
    .optional(),
  messageId: z.string().max(500).optional(),
  q: z.string().min(1).max(500).optional(),
  fingerprint: z
    .string()
    .regex(/^[0-9a-f]{16}$/, "must be a fingerprint from a group")
    .optional(),
  /** The DLQ ("vhost/queue") or NATS capture stream the letters were collected from. */
  collectedFrom: z.string().max(500).optional(),
});

export type LetterFiltersQuery = z.infer<typeof letterFiltersQuery>;

export const LETTER_PAGE_MAX = 200;

export const letterListQuery = letterFiltersQuery.extend({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(LETTER_PAGE_MAX).default(50),
});

export type LetterListQuery = z.infer<typeof letterListQuery>;

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
  });
}

/** One page of the list: the filters, then where to continue and how many. */
export function letterListParams(f: LetterFilters, cursor: string | null, limit: number): URLSearchParams {
  const p = letterFilterParams(f);
  const page = toSearchParams<typeof letterListQuery>({ cursor: cursor || undefined, limit: String(limit) });
  for (const [k, v] of page) p.set(k, v);
  return p;
}
