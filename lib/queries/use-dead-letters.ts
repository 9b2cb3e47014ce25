"use client";

import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import type { LetterPage, LetterState } from "@/lib/dead-letters/types";
import { ApiError, fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";
import { DEAD_LETTER_REFRESH_MS } from "./refresh";

/** Everything the inbox can be narrowed by; undefined / empty means "all". */
export type LetterFilters = {
  cluster?: string;
  /** "vhost/queue" or "stream/consumer". */
  source?: string;
  reason?: string;
  states: LetterState[];
  /** Absolute ISO times: a link from yesterday's alert shows yesterday's letters. */
  from?: string;
  to?: string;
  /** "key:value", as typed. */
  header?: string;
  messageId?: string;
  /** Text in the payload. */
  q: string;
  fingerprint?: string;
  /** The DLQ or capture stream the letters were collected from. */
  collectedFrom?: string;
};

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

/** A `header` filter the API can use: "key:value" with a key. */
export function isHeaderFilter(v: string | undefined): v is string {
  if (!v) return false;
  const i = v.indexOf(":");
  return i > 0 && v.slice(0, i).trim() !== "";
}

/** The filters as the API's query parameters (list and groups share them). */
export function letterFilterParams(f: LetterFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.cluster) p.set("cluster", f.cluster);
  if (f.source) p.set("source", f.source);
  if (f.reason) p.set("reason", f.reason);
  if (f.states.length) p.set("state", f.states.join(","));
  if (f.from) p.set("from", f.from);
  if (f.to) p.set("to", f.to);
  if (isHeaderFilter(f.header)) p.set("header", f.header);
  if (f.messageId) p.set("messageId", f.messageId);
  if (f.q) p.set("q", f.q);
  if (f.fingerprint) p.set("fingerprint", f.fingerprint);
  if (f.collectedFrom) p.set("collectedFrom", f.collectedFrom);
  return p;
}

export function deadLetterListUrl(f: LetterFilters, cursor: string | null): string {
  const p = letterFilterParams(f);
  if (cursor) p.set("cursor", cursor);
  p.set("limit", String(LETTER_PAGE_SIZE));
  return `/api/dead-letters?${p.toString()}`;
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
