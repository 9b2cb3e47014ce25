"use client";

import { useQuery } from "@tanstack/react-query";
import type { LetterDetail } from "@/lib/dead-letters/types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";
import { DEAD_LETTER_REFRESH_MS } from "./refresh";
import { retryUnlessRefused } from "./use-dead-letters";

export function deadLetterUrl(id: string): string {
  return `/api/dead-letters/${encodeURIComponent(id)}`;
}

/** The exact payload bytes, served as a download. */
export function deadLetterPayloadUrl(id: string): string {
  return `/api/dead-letters/${encodeURIComponent(id)}/payload`;
}

// Refreshed like the lists: its state changes when it is requeued or terminated.
export function useDeadLetter(id: string) {
  return useQuery({
    queryKey: queryKeys.deadLetters.detail(id),
    queryFn: ({ signal }) => fetchJson<LetterDetail>(deadLetterUrl(id), { signal }),
    refetchInterval: DEAD_LETTER_REFRESH_MS,
    refetchIntervalInBackground: false,
    retry: retryUnlessRefused,
  });
}
