// The inbox's view and filters as URL query parameters, both ways, so a link from an alert or a
// chat message shows exactly what the operator saw. Values from the URL are untrusted: unknown
// ones drop, times are normalised to ISO.

import { parseInstant } from "@/components/consumers/time-range";
import { LETTER_STATES, type LetterState } from "@/lib/dead-letters/types";
import type { LetterFilters } from "@/lib/dead-letters/letter-list-params";

export const LETTER_VIEWS = ["letters", "groups"] as const;
export type LetterView = (typeof LETTER_VIEWS)[number];
export const DEFAULT_VIEW: LetterView = "letters";

export type InboxParams = { view: LetterView; filters: LetterFilters };

type ParamsLike = { get(name: string): string | null };

export const EMPTY_FILTERS: LetterFilters = { states: [], q: "" };

function text(sp: ParamsLike, name: string): string | undefined {
  return sp.get(name)?.trim() || undefined;
}

function isoOrUndefined(v: string | null): string | undefined {
  return parseInstant(v) ?? undefined;
}

export function parseInboxParams(sp: ParamsLike): InboxParams {
  const viewRaw = sp.get("view");
  const view: LetterView = viewRaw === "groups" ? "groups" : DEFAULT_VIEW;
  const wanted = new Set((sp.get("state") ?? "").split(",").map((s) => s.trim().toLowerCase()));
  const states: LetterState[] = LETTER_STATES.filter((s) => wanted.has(s));
  let from = isoOrUndefined(sp.get("from"));
  let to = isoOrUndefined(sp.get("to"));
  // A window that ends before it starts matches nothing; drop both rather than show an empty inbox.
  if (from && to && Date.parse(from) > Date.parse(to)) from = to = undefined;
  return {
    view,
    filters: {
      cluster: text(sp, "cluster"),
      source: text(sp, "source"),
      reason: text(sp, "reason"),
      states,
      from,
      to,
      header: text(sp, "header"),
      messageId: text(sp, "messageId"),
      q: (sp.get("q") ?? "").trim(),
      fingerprint: text(sp, "fingerprint"),
      collectedFrom: text(sp, "collectedFrom"),
      bouncedFromJob: text(sp, "bouncedFromJob"),
    },
  };
}

/** The query string for a view, defaults left out so links stay short. No leading "?". */
export function inboxParamsToQuery({ view, filters: f }: InboxParams): string {
  const p = new URLSearchParams();
  if (view !== DEFAULT_VIEW) p.set("view", view);
  if (f.cluster) p.set("cluster", f.cluster);
  if (f.source?.trim()) p.set("source", f.source.trim());
  if (f.reason?.trim()) p.set("reason", f.reason.trim());
  if (f.states.length) p.set("state", LETTER_STATES.filter((s) => f.states.includes(s)).join(","));
  if (f.from) p.set("from", f.from);
  if (f.to) p.set("to", f.to);
  if (f.header?.trim()) p.set("header", f.header.trim());
  if (f.messageId?.trim()) p.set("messageId", f.messageId.trim());
  if (f.q.trim()) p.set("q", f.q.trim());
  if (f.fingerprint) p.set("fingerprint", f.fingerprint);
  if (f.collectedFrom) p.set("collectedFrom", f.collectedFrom);
  if (f.bouncedFromJob) p.set("bouncedFromJob", f.bouncedFromJob);
  return p.toString();
}

export function hasLetterFilters(f: LetterFilters): boolean {
  return Boolean(f.cluster || f.source || f.reason || f.states.length || f.from || f.to || f.header || f.messageId || f.q || f.fingerprint || f.collectedFrom || f.bouncedFromJob);
}

export function letterHref(id: string): string {
  return `/dead-letters/${encodeURIComponent(id)}`;
}

/** A link to the inbox in a view, narrowed by some filters. */
export function deadLettersHref(filters: Partial<LetterFilters> = {}, view: LetterView = DEFAULT_VIEW): string {
  const qs = inboxParamsToQuery({ view, filters: { ...EMPTY_FILTERS, ...filters } });
  return qs ? `/dead-letters?${qs}` : "/dead-letters";
}
