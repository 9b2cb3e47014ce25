"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { CONSUMER_LIST_MAX, consumerListParams, type ConsumerListFilters } from "@/lib/health/consumer-list-params";
import type { ConsumerListResponse } from "@/lib/health/types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";
import { CONSUMER_REFRESH_MS } from "./refresh";

export {
  CONSUMER_ROLE_FILTERS,
  CONSUMER_SORT_KEYS,
  type ConsumerListFilters,
  type ConsumerRoleFilter,
  type ConsumerSortKey,
  type SortDir,
} from "@/lib/health/consumer-list-params";

/** One request for the whole list: the table is virtualised, so 10,000 rows are fine to hold. */
export const CONSUMER_LIST_LIMIT = CONSUMER_LIST_MAX;

export function consumerListUrl(f: ConsumerListFilters): string {
  return `/api/consumers?${consumerListParams(f, CONSUMER_LIST_LIMIT).toString()}`;
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
