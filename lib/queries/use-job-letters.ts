"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import type { JobLetterPage, LetterOutcome } from "@/lib/redrive/types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";
import { JOB_ACTIVE_REFRESH_MS } from "./refresh";
import { LETTER_AUTO_REFRESH_MAX_PAGES, retryUnlessRefused } from "./use-dead-letters";

/** One outcome, or every letter of the job. */
export type JobLetterOutcomeFilter = LetterOutcome | "all";

export function jobLettersUrl(id: string, outcome: JobLetterOutcomeFilter, cursor: string | null): string {
  const p = new URLSearchParams();
  if (outcome !== "all") p.set("outcome", outcome);
  if (cursor) p.set("cursor", cursor);
  const qs = p.toString();
  return `/api/jobs/${encodeURIComponent(id)}/letters${qs ? `?${qs}` : ""}`;
}

/**
 * A job's letters and what happened to each, a page at a time. While the job is moving letters the
 * pages shown are refreshed (up to a few pages, as the inbox does), so outcomes fill in as they land.
 */
export function useJobLetters(id: string, outcome: JobLetterOutcomeFilter, live: boolean) {
  return useInfiniteQuery({
    queryKey: queryKeys.jobs.letters(id, outcome),
    queryFn: ({ pageParam, signal }) => fetchJson<JobLetterPage>(jobLettersUrl(id, outcome, pageParam), { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: (query) => (live && (query.state.data?.pages.length ?? 0) <= LETTER_AUTO_REFRESH_MAX_PAGES ? JOB_ACTIVE_REFRESH_MS * 2 : false),
    refetchIntervalInBackground: false,
    // Keep rows while another outcome loads, but never another job's.
    placeholderData: (previous, previousQuery) => (previousQuery?.queryKey[2] === id ? previous : undefined),
    retry: retryUnlessRefused,
  });
}
