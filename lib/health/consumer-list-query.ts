import { z } from "zod";
import type { BrokerKind } from "@/lib/brokers/types";
import { HEALTH_STATES, type HealthState } from "./types";
import { toSearchParams } from "@/lib/search-params";

// The consumer list's query, once: the route parses it (GET /api/consumers), the client hook builds
// it, and the page's URL parser accepts the same names and values. Client-safe: no server imports.

/** Server order (it is the order the API's error sentence lists them in). */
export const CONSUMER_SORT_KEYS = ["state", "backlog", "ackRate", "deliverRate", "inflowRate", "redeliverRate", "eta", "name", "inFlight"] as const;
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
};

/** "app": applications' consumers only; "dlq": dead-letter queues; "capture": Redrive's own. */
export const CONSUMER_ROLE_FILTERS = ["app", "dlq", "capture"] as const;
export type ConsumerRoleFilter = (typeof CONSUMER_ROLE_FILTERS)[number];

/** Every kind, as an enum-like object: a new BrokerKind missing here stops the build. */
const KIND_FILTERS: { [K in BrokerKind]: K } = { nats: "nats", rabbitmq: "rabbitmq" };
export const CONSUMER_KIND_FILTERS: readonly BrokerKind[] = Object.values(KIND_FILTERS);

/** The most one request returns (the list view asks for all of them at once: the table is virtualised). */
export const CONSUMER_LIST_MAX = 10_000;

export const consumerListQuery = z.object({
  cluster: z.string().max(100).optional(),
  kind: z.enum(KIND_FILTERS).optional(),
  state: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(",").filter(Boolean) : []))
    .pipe(z.array(z.enum(HEALTH_STATES))),
  q: z.string().max(200).optional(),
  role: z.enum(CONSUMER_ROLE_FILTERS).optional(),
  sort: z.enum(CONSUMER_SORT_KEYS).default("state"),
  dir: z.enum(["asc", "desc"]).optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(CONSUMER_LIST_MAX).default(500),
});

export type ConsumerListQuery = z.infer<typeof consumerListQuery>;

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
