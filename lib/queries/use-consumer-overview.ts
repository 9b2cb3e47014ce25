"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { ConsumerOverview } from "@/lib/health/overview-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";
import { CONSUMER_REFRESH_MS } from "./refresh";

export function useConsumerOverview() {
  return useQuery({
    queryKey: queryKeys.consumers.overview(),
    queryFn: ({ signal }) => fetchJson<ConsumerOverview>("/api/overview/consumers", { signal }),
    refetchInterval: CONSUMER_REFRESH_MS,
    refetchIntervalInBackground: false,
    placeholderData: keepPreviousData,
  });
}
