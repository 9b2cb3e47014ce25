"use client";

import { useQuery } from "@tanstack/react-query";
import type { DlqDetail } from "@/lib/dead-letters/types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";
import { DEAD_LETTER_REFRESH_MS } from "./refresh";
import { retryUnlessNotFound } from "./use-consumer";

export function useDlq(id: string) {
  return useQuery({
    queryKey: queryKeys.deadLetters.dlq(id),
    queryFn: ({ signal }) => fetchJson<DlqDetail>(`/api/dlqs/${encodeURIComponent(id)}`, { signal }),
    refetchInterval: DEAD_LETTER_REFRESH_MS,
    refetchIntervalInBackground: false,
    retry: retryUnlessNotFound,
  });
}
