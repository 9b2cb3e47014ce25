"use client";

import { useQueryClient } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo, useState } from "react";
import { formatCount } from "@/components/consumers/format";
import { LoadError } from "@/components/consumers/load-error";
import { BulkActionBar, GroupActions } from "@/components/redrive/bulk-actions";
import { toggleSelection } from "@/components/redrive/format";
import { EmptyState } from "@/components/ui/empty-state";
import { useNow } from "@/components/ui/use-now";
import type { LetterGroup, LetterSummary } from "@/lib/dead-letters/types";
import { queryKeys } from "@/lib/queries/keys";
import { DEAD_LETTER_REFRESH_MS } from "@/lib/queries/refresh";
import { LETTER_AUTO_REFRESH_MAX_PAGES, useDeadLetters, type LetterFilters } from "@/lib/queries/use-dead-letters";
import { useDlqs } from "@/lib/queries/use-dlqs";
import { useLetterGroups } from "@/lib/queries/use-letter-groups";
import { DeadLetterFilters } from "./dead-letter-filters";
import { DlqPanel } from "./dlq-panel";
import { previewLine, sourceDisplayName } from "./format";
import { GroupTable } from "./group-table";
import { LetterTable, type LetterSelection } from "./letter-table";
import { EMPTY_FILTERS, hasLetterFilters, inboxParamsToQuery, parseInboxParams, type InboxParams, type LetterView } from "./list-params";

/** /dead-letters: the DLQs, then the letters (or their cause groups) under filters held in the URL. */
export function DeadLetterInbox() {
  const searchParams = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const params = useMemo(() => parseInboxParams(searchParams), [searchParams]);
  const { view, filters } = params;
  const go = useCallback(
    (next: InboxParams) => {
      const qs = inboxParamsToQuery(next);
      router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
    },
    [router, pathname],
  );
  const setFilters = useCallback((f: LetterFilters) => go({ view, filters: f }), [go, view]);
  const setView = useCallback((v: LetterView) => go({ view: v, filters }), [go, filters]);

  const dlqs = useDlqs();
  const clusters = useMemo(() => {
    const names = new Set<string>();
    for (const d of dlqs.data?.dlqs ?? []) names.add(d.cluster);
    for (const p of dlqs.data?.problems ?? []) names.add(p.cluster);
    if (filters.cluster) names.add(filters.cluster);
    return [...names].sort((a, b) => a.localeCompare(b));
  }, [dlqs.data, filters.cluster]);

  return (
    // On a phone the letters come first and the DLQ panel after them: the letters are what an alert sends the operator to read.
    <div className="flex flex-col">
      <div className="order-last mt-6 md:order-first md:mt-0" data-testid="dlq-panel-slot">
        <DlqPanel />
      </div>
      <DeadLetterFilters filters={filters} clusters={clusters} onChange={setFilters} />
      <ViewTabs view={view} onChange={setView} />
      {view === "letters" ? (
        <LettersSection filters={filters} onFilters={setFilters} />
      ) : (
        <GroupsSection filters={filters} onOpen={(g) => go({ view: "letters", filters: { ...filters, fingerprint: g.fingerprint } })} onFilters={setFilters} />
      )}
    </div>
  );
}

function ViewTabs({ view, onChange }: { view: LetterView; onChange: (v: LetterView) => void }) {
  const tab = (v: LetterView, label: string) => (
    <button
      type="button"
      aria-pressed={view === v}
      data-testid={`view-${v}`}
      onClick={() => onChange(v)}
      className={
        "-mb-px border-b-2 px-3 py-2 text-sm " +
        (view === v
          ? "border-zinc-900 font-medium text-zinc-900 dark:border-zinc-100 dark:text-white"
          : "border-transparent text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-white")
      }
    >
      {label}
    </button>
  );
  return (
    <div role="group" aria-label="View" className="mb-3 flex gap-1 border-b border-zinc-200 dark:border-zinc-800">
      {tab("letters", "Letters")}
      {tab("groups", "Grouped by cause")}
    </div>
  );
}

function LettersSection({ filters, onFilters }: { filters: LetterFilters; onFilters: (f: LetterFilters) => void }) {
  const q = useDeadLetters(filters);
  const client = useQueryClient();
  const now = useNow(5000);
  const items = useMemo(() => uniqueById(q.data?.pages.flatMap((p) => p.items) ?? []), [q.data]);
  const pages = q.data?.pages.length ?? 0;
  const paused = pages > LETTER_AUTO_REFRESH_MAX_PAGES;
  const filtered = hasLetterFilters(filters);
  const { fetchNextPage: fetchNext } = q;
  const fetchNextPage = useCallback(() => void fetchNext(), [fetchNext]);
  // A failed refresh of pages already shown is a warning; a failed next page is said at the list's end.
  const refreshError = q.isFetchNextPageError ? null : q.error;

  // Ticked letters live in this view only, for these filters: a reload or another filter starts
  // with nothing selected, so no action ever runs on a selection the operator cannot see.
  const filterKey = inboxParamsToQuery({ view: "letters", filters });
  const [picked, setPicked] = useState<{ key: string; ids: Set<string>; anchor: string | null }>({ key: filterKey, ids: new Set(), anchor: null });
  const selected = useMemo(() => (picked.key === filterKey ? picked.ids : new Set<string>()), [picked, filterKey]);
  const order = useMemo(() => items.map((l) => l.id), [items]);
  const onToggle = useCallback(
    (id: string, range: boolean) =>
      setPicked((p) => {
        const current = p.key === filterKey ? p : { key: filterKey, ids: new Set<string>(), anchor: null };
        return { key: filterKey, ids: toggleSelection(current.ids, order, id, current.anchor, range), anchor: id };
      }),
    [filterKey, order],
  );
  const onToggleAll = useCallback(
    () =>
      setPicked((p) => {
        const current = p.key === filterKey ? p.ids : new Set<string>();
        const all = order.length > 0 && order.every((id) => current.has(id));
        return { key: filterKey, ids: all ? new Set() : new Set(order), anchor: null };
      }),
    [filterKey, order],
  );
  const clearSelection = useCallback(() => setPicked({ key: filterKey, ids: new Set(), anchor: null }), [filterKey]);
  const selection = useMemo<LetterSelection>(() => ({ selected, onToggle, onToggleAll }), [selected, onToggle, onToggleAll]);
  const selectedIds = useMemo(() => [...selected], [selected]);

  return (
    <section aria-label="Dead letters">
      {refreshError ? <LoadError what="the dead letters" error={refreshError} hasData={Boolean(q.data)} testId="letter-error" /> : null}
      {filters.fingerprint ? (
        <GroupScope fingerprint={filters.fingerprint} filters={filters} sample={items[0]} onClear={() => onFilters({ ...filters, fingerprint: undefined })} />
      ) : null}
      {q.data && items.length > 0 ? <BulkActionBar filters={filters} selected={selectedIds} onClearSelection={clearSelection} /> : null}

      {q.data && items.length > 0 ? (
        <div className="mb-2 flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 text-sm">
          <p data-testid="letter-count" className="font-medium text-zinc-700 dark:text-zinc-300">
            {formatCount(items.length)} letter{items.length === 1 ? "" : "s"} loaded, newest first{q.hasNextPage ? "; more load as you scroll" : ""}
          </p>
          <p className="text-xs text-zinc-500" aria-live="polite">
            {paused ? (
              <>
                Not refreshing while {formatCount(items.length)} letters are loaded.{" "}
                <button
                  type="button"
                  className="underline"
                  onClick={() => void client.resetQueries({ queryKey: queryKeys.deadLetters.list(filters), exact: true })}
                >
                  Back to the newest
                </button>
              </>
            ) : (
              `Refreshes every ${DEAD_LETTER_REFRESH_MS / 1000} s`
            )}
            {q.isFetching && !q.isFetchingNextPage ? " · refreshing…" : ""}
          </p>
        </div>
      ) : null}

      {q.isPending && !q.data ? (
        q.error ? null : <p className="py-12 text-center text-sm text-zinc-500">Loading dead letters…</p>
      ) : !q.data ? null : items.length === 0 ? (
        filtered ? (
          <NoMatch onClear={() => onFilters(EMPTY_FILTERS)} what="dead letters" />
        ) : (
          <NothingCollected />
        )
      ) : (
        <LetterTable
          items={items}
          now={now}
          dimmed={q.isPlaceholderData}
          selection={selection}
          more={{ hasNextPage: q.hasNextPage, isFetchingNextPage: q.isFetchingNextPage, nextPageError: q.isFetchNextPageError ? q.error : null, fetchNextPage }}
        />
      )}
    </section>
  );
}

/**
 * The letters of one cause. Actions on the whole group ("requeue all 4,212 `orders` letters that
 * failed with `timeout`") belong in this bar, beside the scope they act on.
 */
function GroupScope({
  fingerprint,
  filters,
  sample,
  onClear,
}: {
  fingerprint: string;
  filters: LetterFilters;
  sample: LetterSummary | undefined;
  onClear: () => void;
}) {
  return (
    <div
      data-testid="group-scope"
      data-fingerprint={fingerprint}
      className="mb-3 flex flex-wrap items-center justify-between gap-3 rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 text-sm dark:border-zinc-800 dark:bg-zinc-900/60"
    >
      <p className="min-w-0">
        <span className="text-zinc-500 dark:text-zinc-400">One cause: </span>
        {sample ? (
          <>
            <b className="font-medium wrap-anywhere">{sourceDisplayName(sample.source)}</b> · {sample.reason}
            {sample.errorText ? <span className="wrap-anywhere text-rose-700 dark:text-rose-300"> · {previewLine(sample.errorText, 160)}</span> : null}
          </>
        ) : (
          <code className="font-mono text-xs wrap-anywhere">{fingerprint}</code>
        )}
      </p>
      <div className="flex flex-wrap items-center gap-2" data-slot="group-actions">
        <GroupActions fingerprint={fingerprint} filters={filters} />
        <button type="button" onClick={onClear} className="text-sm text-zinc-600 underline-offset-2 hover:underline dark:text-zinc-400">
          Show every cause
        </button>
      </div>
    </div>
  );
}

function GroupsSection({ filters, onOpen, onFilters }: { filters: LetterFilters; onOpen: (g: LetterGroup) => void; onFilters: (f: LetterFilters) => void }) {
  const q = useLetterGroups(filters);
  const now = useNow(5000);
  const groups = q.data?.groups;
  const total = useMemo(() => (groups ?? []).reduce((n, g) => n + g.count, 0), [groups]);
  return (
    <section aria-label="Dead letters grouped by cause">
      {q.error ? <LoadError what="the cause groups" error={q.error} hasData={Boolean(q.data)} testId="group-error" /> : null}
      {groups && groups.length > 0 ? (
        <div className="mb-2 flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 text-sm">
          <p data-testid="group-count" className="font-medium text-zinc-700 dark:text-zinc-300">
            {formatCount(groups.length)} cause{groups.length === 1 ? "" : "s"} · {formatCount(total)} letter{total === 1 ? "" : "s"}
          </p>
          <p className="text-xs text-zinc-500" aria-live="polite">
            Click a cause to see its letters · refreshes every {DEAD_LETTER_REFRESH_MS / 1000} s{q.isFetching ? " · refreshing…" : ""}
          </p>
        </div>
      ) : null}
      {q.isPending && !q.data ? (
        q.error ? null : <p className="py-12 text-center text-sm text-zinc-500">Grouping dead letters by cause…</p>
      ) : !groups ? null : groups.length === 0 ? (
        hasLetterFilters(filters) ? (
          <NoMatch onClear={() => onFilters(EMPTY_FILTERS)} what="dead letters" />
        ) : (
          <NothingCollected />
        )
      ) : (
        <GroupTable
          groups={groups}
          now={now}
          dimmed={q.isPlaceholderData}
          onOpen={onOpen}
          actions={(g) => <GroupActions fingerprint={g.fingerprint} filters={filters} compact />}
        />
      )}
    </section>
  );
}

function NoMatch({ what, onClear }: { what: string; onClear: () => void }) {
  return (
    <EmptyState title={`No ${what} match these filters`}>
      <button type="button" className="underline" onClick={onClear}>
        Clear the filters
      </button>{" "}
      to see every letter Redrive has collected.
    </EmptyState>
  );
}

function NothingCollected() {
  return (
    <div data-testid="letters-empty">
      <EmptyState title="No dead letters collected yet">
        Redrive collects the dead letters of the RabbitMQ dead-letter queues you adopt (above), and JetStream&apos;s through its capture
        stream. Until a DLQ is adopted its messages stay on RabbitMQ, untouched, shown above with their depth only.
      </EmptyState>
    </div>
  );
}

function uniqueById(items: LetterSummary[]): LetterSummary[] {
  const seen = new Set<string>();
  return items.filter((l) => (seen.has(l.id) ? false : (seen.add(l.id), true)));
}
