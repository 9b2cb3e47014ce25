"use client";

import { useQuery } from "@tanstack/react-query";
import type { LetterHistoryEntry } from "@/lib/redrive/types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";
import { DEAD_LETTER_REFRESH_MS, JOB_ACTIVE_REFRESH_MS } from "./refresh";
import { retryUnlessRefused } from "./use-dead-letters";

export function letterHistoryUrl(id: string): string {
  return `/api/dead-letters/${encodeURIComponent(id)}/history`;
}

/** An entry whose job has not finished with this letter yet. */
export function isUnsettled(e: LetterHistoryEntry): boolean {
  return e.outcome === "pending" || e.outcome === "in_flight";
}

/** Every job that touched a letter, newest first; read every second while one of them is still at work on it. */
export function useLetterHistory(id: string) {
  return useQuery({
    queryKey: queryKeys.deadLetters.history(id),
    queryFn: ({ signal }) => fetchJson<LetterHistoryEntry[]>(letterHistoryUrl(id), { signal }),
    refetchInterval: (query) => (query.state.data?.some(isUnsettled) ? JOB_ACTIVE_REFRESH_MS : DEAD_LETTER_REFRESH_MS),
    refetchIntervalInBackground: false,
    retry: retryUnlessRefused,
  });
}
