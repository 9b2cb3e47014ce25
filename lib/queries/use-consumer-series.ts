"use client";

import { useQuery } from "@tanstack/react-query";
import type { ConsumerSeries } from "@/lib/health/types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";
import { CONSUMER_REFRESH_MS } from "./refresh";
import { retryUnlessNotFound } from "./use-consumer";

/**
 * The window to chart: the last N seconds (moves with every refresh), or a fixed from/to that
 * shows exactly that window however late the link is opened.
 */
export type SeriesRangeKey = { kind: "relative"; seconds: number } | { kind: "absolute"; from: string; to: string };

export function seriesUrl(id: string, range: SeriesRangeKey, now: number): string {
  const from = range.kind === "relative" ? new Date(now - range.seconds * 1000).toISOString() : range.from;
  const to = range.kind === "relative" ? new Date(now).toISOString() : range.to;
  return `/api/consumers/${encodeURIComponent(id)}/series?${new URLSearchParams({ from, to }).toString()}`;
}

export function useConsumerSeries(id: string, range: SeriesRangeKey, enabled = true) {
  const relative = range.kind === "relative";
  return useQuery({
    queryKey: queryKeys.consumers.series(id, range),
    queryFn: ({ signal }) => fetchJson<ConsumerSeries>(seriesUrl(id, range, Date.now()), { signal }),
    enabled,
    // An absolute window is history: it does not change, so it is fetched once.
    refetchInterval: relative ? CONSUMER_REFRESH_MS : false,
    refetchIntervalInBackground: false,
    refetchOnWindowFocus: relative,
    staleTime: relative ? 2_000 : Infinity,
    // Keep the last chart while another range loads, but never show another consumer's history.
    placeholderData: (previous, previousQuery) => (previousQuery?.queryKey[2] === id ? previous : undefined),
    retry: retryUnlessNotFound,
  });
}
