"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { LetterGroup } from "@/lib/dead-letters/types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";
import { DEAD_LETTER_REFRESH_MS } from "./refresh";
import { letterFilterParams, type LetterFilters } from "@/lib/dead-letters/letter-list-params";
import { retryUnlessRefused } from "./use-dead-letters";

export function letterGroupsUrl(f: LetterFilters): string {
  const qs = letterFilterParams(f).toString();
  return qs ? `/api/dead-letters/groups?${qs}` : "/api/dead-letters/groups";
}

/** One row per cause fingerprint, for the same filters as the list. */
export function useLetterGroups(filters: LetterFilters, enabled = true) {
  return useQuery({
    queryKey: queryKeys.deadLetters.groups(filters),
    queryFn: ({ signal }) => fetchJson<{ groups: LetterGroup[] }>(letterGroupsUrl(filters), { signal }),
    enabled,
    refetchInterval: DEAD_LETTER_REFRESH_MS,
    refetchIntervalInBackground: false,
    placeholderData: keepPreviousData,
    retry: retryUnlessRefused,
  });
}
