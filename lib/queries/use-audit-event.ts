"use client";

import { useQuery } from "@tanstack/react-query";
import type { AuditEntryDetail } from "@/lib/audit/types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";
import { AUDIT_REFRESH_MS } from "./refresh";
import { retryUnlessRefused } from "./use-dead-letters";

export function auditEventUrl(id: string): string {
  return `/api/audit/${encodeURIComponent(id)}`;
}

/** One entry and its partners. The entry never changes; an intent's outcome may still arrive, so it refreshes until it has one. */
export function useAuditEvent(id: string) {
  return useQuery({
    queryKey: queryKeys.audit.detail(id),
    queryFn: ({ signal }) => fetchJson<AuditEntryDetail>(auditEventUrl(id), { signal }),
    refetchInterval: (query) => {
      const d = query.state.data;
      return d && d.entry.phase === "intent" && !d.partners.some((p) => p.phase === "outcome") ? AUDIT_REFRESH_MS : false;
    },
    refetchIntervalInBackground: false,
    retry: retryUnlessRefused,
  });
}
