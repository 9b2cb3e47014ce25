"use client";

import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { letterListParams, type LetterFilters } from "@/lib/dead-letters/letter-list-params";
import type { LetterPage } from "@/lib/dead-letters/types";
import { ApiError, fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";
import { DEAD_LETTER_REFRESH_MS } from "./refresh";

export { isHeaderFilter, letterFilterParams, type LetterFilters } from "@/lib/dead-letters/letter-list-params";

export const LETTER_PAGE_SIZE = 50;
/**
 * A refresh refetches every page already loaded, one after the other. Past this many the list stops
 * refreshing by itself (and says so), so an operator deep in the list does not cause a burst of
 * requests every 10 s — or have rows move under them.
 */
export const LETTER_AUTO_REFRESH_MAX_PAGES = 4;

/**
 * A refused request (bad filter, unknown id) is refused again however often it is asked: only
 * network trouble and server errors get the usual one retry.
 */
export function retryUnlessRefused(failureCount: number, error: Error): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429) return false;
  return failureCount < 1;
}

export function deadLetterListUrl(f: LetterFilters, cursor: string | null): string {
  return `/api/dead-letters?${letterListParams(f, cursor, LETTER_PAGE_SIZE).toString()}`;
}

/** Newest first, one page of 50 at a time; the next page is asked for with the last page's cursor. */
export function useDeadLetters(filters: LetterFilters, enabled = true) {
  return useInfiniteQuery({
    enabled,
    queryKey: queryKeys.deadLetters.list(filters),
    queryFn: ({ pageParam, signal }) => fetchJson<LetterPage>(deadLetterListUrl(filters, pageParam), { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: (query) => ((query.state.data?.pages.length ?? 0) > LETTER_AUTO_REFRESH_MAX_PAGES ? false : DEAD_LETTER_REFRESH_MS),
    refetchIntervalInBackground: false,
    placeholderData: keepPreviousData,
    retry: retryUnlessRefused,
  });
}
