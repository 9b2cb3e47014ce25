"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { InboxTotals } from "@/lib/dead-letters/types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";
import { DEAD_LETTER_REFRESH_MS } from "./refresh";

export function useInboxTotals() {
  return useQuery({
    queryKey: queryKeys.deadLetters.totals(),
    queryFn: ({ signal }) => fetchJson<InboxTotals>("/api/overview/dead-letters", { signal }),
    refetchInterval: DEAD_LETTER_REFRESH_MS,
    refetchIntervalInBackground: false,
    placeholderData: keepPreviousData,
  });
}
