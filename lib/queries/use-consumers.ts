"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { BrokerKind } from "@/lib/brokers/contracts";
import type { ConsumerListResponse, HealthState } from "@/lib/health/types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";
import { CONSUMER_REFRESH_MS } from "./refresh";

export const CONSUMER_SORT_KEYS = ["state", "name", "backlog", "inFlight", "ackRate", "deliverRate", "inflowRate", "redeliverRate", "eta", "oldest"] as const;
export type ConsumerSortKey = (typeof CONSUMER_SORT_KEYS)[number];
export type SortDir = "asc" | "desc";

/** Everything the list can be narrowed and ordered by; undefined / empty means "all". */
export const CONSUMER_ROLE_FILTERS = ["app", "dlq", "capture"] as const;
export type ConsumerRoleFilter = (typeof CONSUMER_ROLE_FILTERS)[number];

export type ConsumerListFilters = {
  cluster?: string;
  kind?: BrokerKind;
  /** "app": applications' consumers only; "dlq": dead-letter queues; "capture": Redrive's own. */
  role?: ConsumerRoleFilter;
  states: HealthState[];
  q: string;
  sort: ConsumerSortKey;
  dir: SortDir;
};

/** One request for the whole list: the table is virtualised, so 10,000 rows are fine to hold. */
export const CONSUMER_LIST_LIMIT = 10_000;

export function consumerListUrl(f: ConsumerListFilters): string {
  const p = new URLSearchParams();
  if (f.cluster) p.set("cluster", f.cluster);
  if (f.kind) p.set("kind", f.kind);
  if (f.role) p.set("role", f.role);
  if (f.states.length) p.set("state", f.states.join(","));
  if (f.q) p.set("q", f.q);
  p.set("sort", f.sort);
  p.set("dir", f.dir);
  p.set("offset", "0");
  p.set("limit", String(CONSUMER_LIST_LIMIT));
  return `/api/consumers?${p.toString()}`;
}

export function useConsumers(filters: ConsumerListFilters) {
  return useQuery({
    queryKey: queryKeys.consumers.list(filters),
    queryFn: ({ signal }) => fetchJson<ConsumerListResponse>(consumerListUrl(filters), { signal }),
    refetchInterval: CONSUMER_REFRESH_MS,
    refetchIntervalInBackground: false,
    placeholderData: keepPreviousData,
  });
}
