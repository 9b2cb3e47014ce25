"use client";

import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import type { AuditPage, AuditPhase } from "@/lib/audit/types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";
import { AUDIT_REFRESH_MS } from "./refresh";
import { retryUnlessRefused } from "./use-dead-letters";

/** Everything the audit log can be narrowed by; undefined / empty means "all". */
export type AuditLogFilters = {
  actor?: string;
  /** Exact, or a prefix ending in "." or "*". */
  action?: string;
  /** A cluster's name (or id). */
  cluster?: string;
  target?: string;
  letter?: string;
  job?: string;
  phases: AuditPhase[];
  result?: string;
  /** Absolute ISO times. */
  from?: string;
  to?: string;
};

export const AUDIT_PAGE_SIZE = 100;
/** Past this many pages loaded the list stops refreshing by itself, as the inbox does. */
export const AUDIT_AUTO_REFRESH_MAX_PAGES = 3;

/** The filters as the API's query parameters (the list and the export share them). */
export function auditFilterParams(f: AuditLogFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.actor) p.set("actor", f.actor);
  if (f.action) p.set("action", f.action);
  if (f.cluster) p.set("cluster", f.cluster);
  if (f.target) p.set("target", f.target);
  if (f.letter) p.set("letter", f.letter);
  if (f.job) p.set("job", f.job);
  if (f.phases.length) p.set("phase", f.phases.join(","));
  if (f.result) p.set("result", f.result);
  if (f.from) p.set("from", f.from);
  if (f.to) p.set("to", f.to);
  return p;
}

export function auditListUrl(f: AuditLogFilters, cursor: string | null): string {
  const p = auditFilterParams(f);
  if (cursor) p.set("cursor", cursor);
  p.set("limit", String(AUDIT_PAGE_SIZE));
  return `/api/audit?${p.toString()}`;
}

/** The download of every entry the filters match (the whole set, not just what is loaded). */
export function auditExportUrl(f: AuditLogFilters, format: "csv" | "json"): string {
  const p = auditFilterParams(f);
  p.set("format", format);
  return `/api/audit/export?${p.toString()}`;
}

/** Newest first, a page of 100 at a time by cursor. */
export function useAuditEvents(filters: AuditLogFilters) {
  return useInfiniteQuery({
    queryKey: queryKeys.audit.list(filters),
    queryFn: ({ pageParam, signal }) => fetchJson<AuditPage>(auditListUrl(filters, pageParam), { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: (query) => ((query.state.data?.pages.length ?? 0) > AUDIT_AUTO_REFRESH_MAX_PAGES ? false : AUDIT_REFRESH_MS),
    refetchIntervalInBackground: false,
    placeholderData: keepPreviousData,
    retry: retryUnlessRefused,
  });
}
