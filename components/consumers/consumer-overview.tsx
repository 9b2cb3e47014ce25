"use client";

import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import type { ClusterConsumerCounts } from "@/lib/health/overview-types";
import type { ConsumerSummary } from "@/lib/health/types";
import { useConsumerOverview } from "@/lib/queries/use-consumer-overview";
import { consumerEta, describeNoConsumers, formatCount, KIND_LABEL, PARENT_LABEL, STATE_LABEL, STATES_WORST_FIRST } from "./format";
import { consumerHref, consumersHref } from "./list-params";
import { LoadError } from "./load-error";
import { STATE_TONE, StateBadge } from "./state-badge";

/** The Overview's consumer part: how many consumers are in each state per cluster, and the ten that matter most. */
export function ConsumerOverview() {
  const { data, error, isPending } = useConsumerOverview();
  const anyConsumers = Boolean(data?.clusters.some((c) => c.total > 0));
  return (
    <section aria-labelledby="consumer-health-heading" className="mt-10" data-testid="consumer-overview">
      <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="consumer-health-heading" className="text-lg font-semibold">
          Consumer health
        </h2>
        {data?.sampledAt ? (
          <p className="text-xs text-zinc-500">
            Last sample <RelativeTime iso={data.sampledAt} /> · <Link href="/consumers" className="underline">every consumer</Link>
          </p>
        ) : null}
      </div>

      {error ? <LoadError what="consumer health" error={error} hasData={Boolean(data)} testId="consumer-overview-error" /> : null}

      {isPending && !data ? <p className="py-6 text-sm text-zinc-500">Loading consumer health…</p> : null}

      {data && data.sweepErrors.length > 0 ? <SweepErrors errors={data.sweepErrors} /> : null}

      {data && !anyConsumers ? (
        <EmptyState title={data.sampledAt ? "No consumers on the watched clusters" : "No consumers sampled yet"}>
          {describeNoConsumers(data.sampledAt, data.sweepErrors)}
        </EmptyState>
      ) : null}

      {data && anyConsumers ? (
        <>
          <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
            {data.clusters.map((c) => (
              <ClusterConsumers key={c.cluster} counts={c} />
            ))}
          </div>
          <WorstConsumers items={data.worst} troubled={data.troubled} />
        </>
      ) : null}
    </section>
  );
}

function ClusterConsumers({ counts: c }: { counts: ClusterConsumerCounts }) {
  return (
    <Card data-testid="cluster-consumers" data-cluster={c.cluster}>
      <div className="flex items-baseline justify-between gap-3">
        <h3 className="truncate font-semibold" title={c.cluster}>
          <Link href={consumersHref({ cluster: c.cluster })} className="hover:underline">
            {c.cluster}
          </Link>
        </h3>
        <p className="shrink-0 text-sm text-zinc-500 dark:text-zinc-400">{KIND_LABEL[c.kind]}</p>
      </div>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
        {formatCount(c.total)} consumer{c.total === 1 ? "" : "s"} · backlog{" "}
        <span className="font-medium text-zinc-900 tabular-nums dark:text-zinc-100" data-testid="cluster-backlog">
          {formatCount(c.backlog)}
        </span>
      </p>
      <ul className="mt-3 flex flex-wrap gap-1.5" aria-label={`Consumers of ${c.cluster} by state`}>
        {STATES_WORST_FIRST.filter((s) => (c.byState[s] ?? 0) > 0).map((s) => (
          <li key={s}>
            <Link
              href={consumersHref({ cluster: c.cluster, states: [s] })}
              data-testid="state-count"
              data-state={s}
              className="rounded-full focus:ring-2 focus:ring-zinc-400 focus:outline-none"
            >
              <Badge tone={STATE_TONE[s]}>
                {STATE_LABEL[s]} <span className="tabular-nums">{formatCount(c.byState[s])}</span>
              </Badge>
            </Link>
          </li>
        ))}
      </ul>
    </Card>
  );
}

function SweepErrors({ errors }: { errors: Array<{ cluster: string; error: string }> }) {
  return (
    <ul role="status" data-testid="sweep-errors" className="mb-4 space-y-2">
      {errors.map((e) => (
        <li key={e.cluster} className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm wrap-anywhere text-rose-900 dark:border-rose-500/30 dark:bg-rose-500/10 dark:text-rose-200">
          <span className="font-medium">The last sweep of {e.cluster} failed:</span> {e.error}
        </li>
      ))}
    </ul>
  );
}

/** The full list, ordered and narrowed as this one: every consumer not OK, worst impact first. */
const ALL_TROUBLED_HREF = consumersHref({ states: STATES_WORST_FIRST.filter((s) => s !== "OK"), sort: "impact", dir: "desc" });

function WorstConsumers({ items, troubled }: { items: ConsumerSummary[]; troubled: number }) {
  const shown = items.filter((c) => c.state !== "OK");
  const more = Math.max(0, troubled - shown.length);
  return (
    <div className="mt-6" data-testid="worst-consumers">
      <div className="mb-2 flex flex-wrap items-baseline justify-between gap-2">
        <h3 className="text-sm font-semibold">Worst consumers</h3>
        {shown.length > 0 ? (
          <p className="text-xs text-zinc-500 dark:text-zinc-400">ranked by state, backlog, growth and time in state</p>
        ) : null}
      </div>
      {shown.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">Every consumer is OK.</p>
      ) : (
        <>
          {/* Small screens: one card per consumer, nothing cut off. */}
          <ul className="space-y-2 sm:hidden" data-testid="worst-cards">
            {shown.map((c) => (
              <li key={c.id} data-testid="worst-card" data-consumer-id={c.id} data-state={c.state} className="rounded-lg border border-zinc-200 bg-white p-3 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
                <div className="flex items-start justify-between gap-2">
                  <Link href={consumerHref(c.id)} prefetch={false} className="min-w-0 font-medium wrap-anywhere hover:underline">
                    {c.name}
                  </Link>
                  <StateBadge state={c.state} />
                </div>
                <p className="text-xs wrap-anywhere text-zinc-500 dark:text-zinc-400">
                  {c.cluster} · {PARENT_LABEL[c.kind]} {c.parent}
                </p>
                <p className="mt-1 text-sm text-zinc-700 dark:text-zinc-300">{c.reason}</p>
                <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
                  backlog <span className="font-medium text-zinc-900 tabular-nums dark:text-zinc-100">{formatCount(c.backlog)}</span> · time to drain {consumerEta(c)}
                </p>
              </li>
            ))}
          </ul>
          <div className="hidden overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-sm sm:block dark:border-zinc-800 dark:bg-zinc-900">
            <table className="w-full text-sm">
              <thead>
                <tr className="border-b border-zinc-200 text-left text-xs text-zinc-600 dark:border-zinc-800 dark:text-zinc-300">
                  <th scope="col" className="px-3 py-2 font-medium">State</th>
                  <th scope="col" className="px-3 py-2 font-medium">Consumer</th>
                  <th scope="col" className="px-3 py-2 font-medium">Why</th>
                  <th scope="col" className="px-3 py-2 text-right font-medium">Backlog</th>
                  <th scope="col" className="px-3 py-2 text-right font-medium">Time to drain</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((c) => (
                  <tr key={c.id} data-testid="worst-row" data-consumer-id={c.id} data-state={c.state} className="border-b border-zinc-100 align-top last:border-0 dark:border-zinc-800/70">
                    <td className="px-3 py-2 whitespace-nowrap">
                      <StateBadge state={c.state} />
                    </td>
                    <td className="max-w-[16rem] px-3 py-2">
                      <Link href={consumerHref(c.id)} prefetch={false} className="block truncate font-medium hover:underline" title={c.name}>
                        {c.name}
                      </Link>
                      <span className="block truncate text-xs text-zinc-500 dark:text-zinc-400" title={`${c.cluster} · ${PARENT_LABEL[c.kind]} ${c.parent}`}>
                        {c.cluster} · {PARENT_LABEL[c.kind]} {c.parent}
                      </span>
                    </td>
                    <td className="min-w-[14rem] px-3 py-2 text-zinc-700 dark:text-zinc-300">{c.reason}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{formatCount(c.backlog)}</td>
                    <td className="px-3 py-2 text-right whitespace-nowrap">{consumerEta(c)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="mt-2 text-sm">
            <Link href={ALL_TROUBLED_HREF} className="underline" data-testid="worst-more">
              {more > 0 ? `${formatCount(more)} more not OK — see all ${formatCount(troubled)}, worst first` : `See them in the consumer list, worst first`}
            </Link>
          </p>
        </>
      )}
    </div>
  );
}
