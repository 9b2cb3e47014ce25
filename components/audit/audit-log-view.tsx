"use client";

import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { formatCount } from "@/components/consumers/format";
import { LoadError } from "@/components/consumers/load-error";
import { EmptyState } from "@/components/ui/empty-state";
import { useNow } from "@/components/ui/use-now";
import { withBasePath } from "@/lib/base-path";
import type { AuditEntry } from "@/lib/audit/types";
import { queryKeys } from "@/lib/queries/keys";
import { AUDIT_REFRESH_MS } from "@/lib/queries/refresh";
import { AUDIT_AUTO_REFRESH_MAX_PAGES, auditExportUrl, useAuditEvents, type AuditLogFilters } from "@/lib/queries/use-audit-events";
import { useClusterNames } from "@/lib/queries/use-cluster-names";
import { AuditFilters } from "./audit-filters";
import { AuditTable } from "./audit-table";
import { auditParamsToQuery, EMPTY_AUDIT_FILTERS, hasAuditFilters, parseAuditParams } from "./list-params";

const button =
  "inline-flex h-9 items-center rounded-md border border-zinc-300 bg-white px-3 text-sm font-medium text-zinc-800 shadow-sm hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200 dark:hover:bg-zinc-800";

/** /audit: the audit log, newest first, under filters held in the URL, with its export. */
export function AuditLogView() {
  const searchParams = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const filters = useMemo(() => parseAuditParams(searchParams), [searchParams]);
  const setFilters = useCallback(
    (next: AuditLogFilters) => {
      const qs = auditParamsToQuery(next);
      router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
    },
    [router, pathname],
  );
  const clusters = useClusterNames();

  const q = useAuditEvents(filters);
  const client = useQueryClient();
  const now = useNow(5000);
  const items = useMemo(() => uniqueById(q.data?.pages.flatMap((p) => p.items) ?? []), [q.data]);
  const paused = (q.data?.pages.length ?? 0) > AUDIT_AUTO_REFRESH_MAX_PAGES;
  const { fetchNextPage: fetchNext } = q;
  const fetchNextPage = useCallback(() => void fetchNext(), [fetchNext]);
  const refreshError = q.isFetchNextPageError ? null : q.error;
  const filtered = hasAuditFilters(filters);

  return (
    <div>
      <AuditFilters filters={filters} clusters={clusters.data ?? []} onChange={setFilters} />
      {refreshError ? <LoadError what="the audit log" error={refreshError} hasData={Boolean(q.data)} testId="audit-error" /> : null}
      <div className="mb-2 flex flex-wrap items-center justify-between gap-x-4 gap-y-2 text-sm">
        <p data-testid="audit-count" className="font-medium text-zinc-700 dark:text-zinc-300">
          {q.data
            ? items.length === 0
              ? "No entries"
              : `${formatCount(items.length)} entr${items.length === 1 ? "y" : "ies"} loaded, newest first${q.hasNextPage ? "; more load as you scroll" : ""}`
            : "\u00a0"}
        </p>
        <div className="flex flex-wrap items-center gap-3">
          <p className="text-xs text-zinc-500" aria-live="polite">
            {paused ? (
              <>
                Not refreshing while {formatCount(items.length)} entries are loaded.{" "}
                <button type="button" className="underline" onClick={() => void client.resetQueries({ queryKey: queryKeys.audit.list(filters), exact: true })}>
                  Back to the newest
                </button>
              </>
            ) : (
              `Refreshes every ${AUDIT_REFRESH_MS / 1000} s`
            )}
            {q.isFetching && !q.isFetchingNextPage ? " · refreshing…" : ""}
          </p>
          <span className="flex items-center gap-2" title={`Every entry ${filtered ? "these filters match" : "in the log"}, not only those loaded, oldest first`}>
            <a href={withBasePath(auditExportUrl(filters, "csv"))} download className={button} data-testid="audit-export-csv">
              Export CSV
            </a>
            <a href={withBasePath(auditExportUrl(filters, "json"))} download className={button} data-testid="audit-export-json">
              Export JSON
            </a>
          </span>
        </div>
      </div>

      {q.isPending && !q.data ? (
        q.error ? null : <p className="py-12 text-center text-sm text-zinc-500">Loading the audit log…</p>
      ) : !q.data ? null : items.length === 0 ? (
        filtered ? (
          <EmptyState title="No entries match these filters">
            <button type="button" className="underline" onClick={() => setFilters(EMPTY_AUDIT_FILTERS)}>
              Clear the filters
            </button>{" "}
            to see the whole log.
          </EmptyState>
        ) : (
          <EmptyState title="Nothing recorded yet">
            Every action taken through Redrive is recorded here as it happens — adopting a DLQ, starting, pausing or cancelling a job, and what
            happened to each letter. Start from{" "}
            <Link href="/dead-letters" className="underline">
              Dead letters
            </Link>
            .
          </EmptyState>
        )
      ) : (
        <AuditTable
          items={items}
          now={now}
          dimmed={q.isPlaceholderData}
          more={{ hasNextPage: q.hasNextPage, isFetchingNextPage: q.isFetchingNextPage, nextPageError: q.isFetchNextPageError ? q.error : null, fetchNextPage }}
        />
      )}
    </div>
  );
}

function uniqueById(items: AuditEntry[]): AuditEntry[] {
  const seen = new Set<string>();
  return items.filter((e) => (seen.has(e.id) ? false : (seen.add(e.id), true)));
}
