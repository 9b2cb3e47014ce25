"use client";

import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import type { AuditPage } from "@/lib/audit/types";
import { auditExportParams, auditListParams, type AuditExportFormat, type AuditLogFilters } from "@/lib/audit/audit-list-params";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";
import { AUDIT_REFRESH_MS } from "./refresh";
import { retryUnlessRefused } from "./use-dead-letters";

export { auditFilterParams, type AuditLogFilters } from "@/lib/audit/audit-list-params";

export const AUDIT_PAGE_SIZE = 100;
/** Past this many pages loaded the list stops refreshing by itself, as the inbox does. */
export const AUDIT_AUTO_REFRESH_MAX_PAGES = 3;

export function auditListUrl(f: AuditLogFilters, cursor: string | null): string {
  return `/api/audit?${auditListParams(f, cursor, AUDIT_PAGE_SIZE).toString()}`;
}

/** The download of every entry the filters match (the whole set, not just what is loaded). */
export function auditExportUrl(f: AuditLogFilters, format: AuditExportFormat): string {
  return `/api/audit/export?${auditExportParams(f, format).toString()}`;
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
