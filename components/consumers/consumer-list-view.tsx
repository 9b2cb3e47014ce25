"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { useNow } from "@/components/ui/use-now";
import { useConsumerOverview } from "@/lib/queries/use-consumer-overview";
import { useConsumers, type ConsumerListFilters, type ConsumerSortKey } from "@/lib/queries/use-consumers";
import { CONSUMER_REFRESH_MS } from "@/lib/queries/refresh";
import { ConsumerFilters } from "./consumer-filters";
import { ConsumerTable } from "./consumer-table";
import { countByState, summarizeCounts } from "./format";
import { LoadError } from "./load-error";
import { listParamsToQuery, nextSort, parseListParams } from "./list-params";

/** The /consumers page: filters and sort live in the URL; the table holds every matching consumer. */
export function ConsumerListView() {
  const searchParams = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const filters = useMemo(() => parseListParams(searchParams), [searchParams]);
  const setFilters = useCallback(
    (next: ConsumerListFilters) => {
      const qs = listParamsToQuery(next);
      router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
    },
    [router, pathname],
  );
  const onSort = useCallback((key: ConsumerSortKey) => setFilters({ ...filters, ...nextSort(filters, key) }), [filters, setFilters]);

  const { data, error, isPending, isFetching, isPlaceholderData } = useConsumers(filters);
  const overview = useConsumerOverview();
  const now = useNow();

  const clusterOptions = useMemo(() => {
    const byName = new Map<string, number | null>();
    for (const c of overview.data?.clusters ?? []) byName.set(c.cluster, c.total);
    for (const c of data?.items ?? []) if (!byName.has(c.cluster)) byName.set(c.cluster, null);
    if (filters.cluster && !byName.has(filters.cluster)) byName.set(filters.cluster, null);
    return [...byName].map(([name, total]) => ({ name, total })).sort((a, b) => a.name.localeCompare(b.name));
  }, [overview.data, data, filters.cluster]);

  const counts = useMemo(() => countByState(data?.items ?? []), [data]);
  const hasFilters = Boolean(filters.cluster || filters.kind || filters.states.length || filters.q);

  return (
    <div>
      <ConsumerFilters filters={filters} clusters={clusterOptions} onChange={setFilters} />

      {error ? <LoadError what="the consumers" error={error} hasData={Boolean(data)} testId="consumer-error" /> : null}

      {data ? (
        <div className="mb-2 flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 text-sm">
          <p data-testid="consumer-count" className="font-medium text-zinc-700 dark:text-zinc-300">
            {summarizeCounts(counts, data.total, data.items.length)}
          </p>
          <p className="text-xs text-zinc-500" aria-live="polite">
            {data.sampledAt ? (
              <>
                Last sample <RelativeTime iso={data.sampledAt} />
              </>
            ) : (
              "Not sampled yet"
            )}
            {` · refreshes every ${CONSUMER_REFRESH_MS / 1000} s`}
            {isFetching ? " · refreshing…" : ""}
          </p>
        </div>
      ) : null}

      {isPending && !data ? (
        <p className="py-12 text-center text-sm text-zinc-500">Loading consumers…</p>
      ) : !data ? null : data.items.length === 0 ? (
        hasFilters ? (
          <EmptyState title="No consumers match these filters">
            {data.sampledAt ? "Nothing in the last sample matches. " : ""}
            <button type="button" className="underline" onClick={() => setFilters({ ...filters, cluster: undefined, kind: undefined, states: [], q: "" })}>
              Clear the filters
            </button>{" "}
            to see every consumer.
          </EmptyState>
        ) : data.sampledAt ? (
          <EmptyState title="No consumers on the watched clusters">
            The last sample (<RelativeTime iso={data.sampledAt} />) found no JetStream consumer and no RabbitMQ queue. They show here
            within 10 s of being created.
          </EmptyState>
        ) : (
          <EmptyState title="No consumers sampled yet">
            The sampler reads every JetStream consumer and RabbitMQ queue every 10 s, so the first ones show here within a few
            seconds of start-up. If this stays empty, the Overview shows which clusters Redrive can reach.
          </EmptyState>
        )
      ) : (
        <ConsumerTable items={data.items} sort={filters.sort} dir={filters.dir} onSort={onSort} now={now} dimmed={isPlaceholderData} />
      )}
    </div>
  );
}
