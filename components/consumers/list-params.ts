// The consumer list's view (filters and sort) as URL query parameters, both ways, so a link
// reproduces exactly what the operator saw. Values from the URL are untrusted: unknown ones drop.

import {
  CONSUMER_KIND_FILTERS,
  CONSUMER_ROLE_FILTERS,
  CONSUMER_SORT_DEFAULT_DIR,
  CONSUMER_SORT_KEYS,
  type ConsumerListFilters,
  type ConsumerSortKey,
  type SortDir,
} from "@/lib/health/consumer-list-params";
import { HEALTH_STATES, type HealthState } from "@/lib/health/types";

export const DEFAULT_SORT: ConsumerSortKey = "state";

/** The direction a column sorts in on its first click: worst or biggest first. */
export function defaultDir(sort: ConsumerSortKey): SortDir {
  // The server's own default for a sort without a direction, so a link without one shows the same.
  return CONSUMER_SORT_DEFAULT_DIR[sort];
}

type ParamsLike = { get(name: string): string | null };

function isOneOf<T extends string>(list: readonly T[], v: string | null | undefined): v is T {
  return v !== null && v !== undefined && (list as readonly string[]).includes(v);
}

export function parseListParams(sp: ParamsLike): ConsumerListFilters {
  const cluster = sp.get("cluster")?.trim() || undefined;
  const kindRaw = sp.get("kind");
  const kind = isOneOf(CONSUMER_KIND_FILTERS, kindRaw) ? kindRaw : undefined;
  const roleRaw = sp.get("role");
  const role = isOneOf(CONSUMER_ROLE_FILTERS, roleRaw) ? roleRaw : undefined;
  const wanted = new Set((sp.get("state") ?? "").split(",").map((s) => s.trim().toUpperCase()));
  const states: HealthState[] = HEALTH_STATES.filter((s) => wanted.has(s));
  const q = (sp.get("q") ?? "").trim();
  const sortRaw = sp.get("sort");
  const sort = isOneOf(CONSUMER_SORT_KEYS, sortRaw) ? sortRaw : DEFAULT_SORT;
  const dirRaw = sp.get("dir");
  const dir: SortDir = dirRaw === "asc" || dirRaw === "desc" ? dirRaw : defaultDir(sort);
  return { cluster, kind, role, states, q, sort, dir };
}

/** The query string for a view, defaults left out so links stay short. No leading "?". */
export function listParamsToQuery(f: ConsumerListFilters): string {
  const p = new URLSearchParams();
  if (f.cluster) p.set("cluster", f.cluster);
  if (f.kind) p.set("kind", f.kind);
  if (f.role) p.set("role", f.role);
  if (f.states.length) p.set("state", HEALTH_STATES.filter((s) => f.states.includes(s)).join(","));
  if (f.q.trim()) p.set("q", f.q.trim());
  if (f.sort !== DEFAULT_SORT || f.dir !== defaultDir(f.sort)) {
    p.set("sort", f.sort);
    p.set("dir", f.dir);
  }
  return p.toString();
}

/** Clicking a column header: the same column flips direction, another starts at its default. */
export function nextSort(current: Pick<ConsumerListFilters, "sort" | "dir">, clicked: ConsumerSortKey): Pick<ConsumerListFilters, "sort" | "dir"> {
  if (current.sort === clicked) return { sort: clicked, dir: current.dir === "asc" ? "desc" : "asc" };
  return { sort: clicked, dir: defaultDir(clicked) };
}

export function consumerHref(id: string): string {
  return `/consumers/${encodeURIComponent(id)}`;
}

/** A link to the list narrowed to one cluster and state, as the Overview's badges use. */
export function consumersHref(filters: Partial<ConsumerListFilters>): string {
  const qs = listParamsToQuery({ states: [], q: "", sort: DEFAULT_SORT, dir: defaultDir(DEFAULT_SORT), ...filters });
  return qs ? `/consumers?${qs}` : "/consumers";
}
