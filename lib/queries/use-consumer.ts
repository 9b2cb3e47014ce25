"use client";

import { useQuery } from "@tanstack/react-query";
import type { ConsumerDetail } from "@/lib/health/types";
import { ApiError, fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";
import { CONSUMER_REFRESH_MS } from "./refresh";

/** A 404 will not turn into a consumer by asking again; anything else gets the usual one retry. */
export function retryUnlessNotFound(failureCount: number, error: Error): boolean {
  if (error instanceof ApiError && error.status === 404) return false;
  return failureCount < 1;
}

// No placeholder from another id: a different consumer's numbers under this name would mislead.
export function useConsumer(id: string) {
  return useQuery({
    queryKey: queryKeys.consumers.detail(id),
    queryFn: ({ signal }) => fetchJson<ConsumerDetail>(`/api/consumers/${encodeURIComponent(id)}`, { signal }),
    refetchInterval: CONSUMER_REFRESH_MS,
    refetchIntervalInBackground: false,
    retry: retryUnlessNotFound,
  });
}
