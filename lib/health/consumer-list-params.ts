import type { BrokerKind } from "@/lib/brokers/types";
import { toSearchParams } from "@/lib/search-params";
import type { consumerListQuery } from "./consumer-list-query";
import type { HealthState } from "./types";

// The browser's half of the consumer list's contract: the vocabulary the page's URL parser accepts,
// the filters the view holds, and the API query string the hook sends, typed by the route's schema
// (./consumer-list-query.ts) so a name the route does not parse does not compile. No zod at run time.

/** Server order (it is the order the API's error sentence lists them in). */
export const CONSUMER_SORT_KEYS = ["state", "backlog", "ackRate", "deliverRate", "inflowRate", "redeliverRate", "eta", "name", "inFlight", "oldest", "impact"] as const;
export type ConsumerSortKey = (typeof CONSUMER_SORT_KEYS)[number];
export type SortDir = "asc" | "desc";

/** The direction a column sorts in when none is asked for: worst or biggest first, names A→Z ("state" ascending is worst first). */
export const CONSUMER_SORT_DEFAULT_DIR: Record<ConsumerSortKey, SortDir> = {
  state: "asc",
  backlog: "desc",
  ackRate: "desc",
  deliverRate: "desc",
  inflowRate: "desc",
  redeliverRate: "desc",
  eta: "desc",
  name: "asc",
  inFlight: "desc",
  oldest: "desc",
  // Worst trouble first: state severity weighed with backlog, growth and time in state (lib/health/score-impact.ts).
  impact: "desc",
};

/** "app": applications' consumers only; "dlq": dead-letter queues; "capture": Redrive's own. */
export const CONSUMER_ROLE_FILTERS = ["app", "dlq", "capture"] as const;
export type ConsumerRoleFilter = (typeof CONSUMER_ROLE_FILTERS)[number];

/** Every kind, as an enum-like object: a new BrokerKind missing here stops the build. */
export const KIND_FILTERS: { [K in BrokerKind]: K } = { nats: "nats", rabbitmq: "rabbitmq" };
export const CONSUMER_KIND_FILTERS: readonly BrokerKind[] = Object.values(KIND_FILTERS);

/** The most one request returns (the list view asks for all of them at once: the table is virtualised). */
export const CONSUMER_LIST_MAX = 10_000;

/** Everything the list view can be narrowed and ordered by; undefined / empty means "all". */
export type ConsumerListFilters = {
  cluster?: string;
  kind?: BrokerKind;
  role?: ConsumerRoleFilter;
  states: HealthState[];
  q: string;
  sort: ConsumerSortKey;
  dir: SortDir;
};

/** The API's query parameters for a view of the list. */
export function consumerListParams(f: ConsumerListFilters, limit: number): URLSearchParams {
  return toSearchParams<typeof consumerListQuery>({
    cluster: f.cluster || undefined,
    kind: f.kind,
    role: f.role,
    state: f.states.length ? f.states.join(",") : undefined,
    q: f.q || undefined,
    sort: f.sort,
    dir: f.dir,
    offset: "0",
    limit: String(limit),
  });
}
