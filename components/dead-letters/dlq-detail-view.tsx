"use client";

import Link from "next/link";
import { useSearchParams } from "next/navigation";
import type { ReactNode } from "react";
import { formatFullTime } from "@/components/charts/time-axis";
import { formatCount, formatDuration, formatRate, KIND_LABEL } from "@/components/consumers/format";
import { parseInstant } from "@/components/consumers/time-range";
import { LoadError } from "@/components/consumers/load-error";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { useIsClient } from "@/components/ui/use-is-client";
import { ApiError } from "@/lib/queries/fetch-json";
import { useDlq } from "@/lib/queries/use-dlq";
import { EMPTY_FILTERS, deadLettersHref } from "./list-params";
import { dlqDisplayName } from "./format";
import { LetterTable } from "./letter-table";
import { DeadLetterInflowChart } from "@/components/charts/dead-letter-inflow-chart";
import { toChartPoints } from "@/components/charts/series-data";
import { useNow } from "@/components/ui/use-now";
import { useConsumerSeries, type SeriesRangeKey } from "@/lib/queries/use-consumer-series";
import { useDeadLetters } from "@/lib/queries/use-dead-letters";
import { BROKER_CAPABILITIES, BROKER_LABELS } from "@/lib/brokers/contracts";

function isoOrUndefined(v: string | null): string | undefined {
  return parseInstant(v) ?? undefined;
}

/** /dlqs/[id]: one DLQ (or NATS capture stream) — where its dead letters come from, how fast, and its letters in a window from the URL. */
export function DlqDetailView({ id }: { id: string }) {
  const sp = useSearchParams();
  const from = isoOrUndefined(sp.get("from"));
  const to = isoOrUndefined(sp.get("to"));
  const window = from && to && Date.parse(from) < Date.parse(to) ? { from, to } : null;
  const isClient = useIsClient();
  const { data: d, error } = useDlq(id);

  if (error instanceof ApiError && error.status === 404) {
    return (
      <div data-testid="dlq-not-found">
        <h1 className="mb-6 text-2xl font-semibold tracking-tight">Dead-letter queue not found</h1>
        <EmptyState title="This DLQ is not known (any more)">
          Redrive has no dead-letter queue with the id <code className="font-mono wrap-anywhere">{id}</code>.{" "}
          <Link href="/dead-letters" className="underline">
            See every DLQ
          </Link>
          .
        </EmptyState>
      </div>
    );
  }

  const scope = d ? { cluster: d.cluster, collectedFrom: d.name, ...(window ?? {}) } : null;
  return (
    <div>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-zinc-500 dark:text-zinc-400">
        <Link href="/dead-letters" className="hover:underline">
          Dead letters
        </Link>
        {" / DLQs"}
      </nav>
      {error ? <LoadError what="this DLQ" error={error} hasData={Boolean(d)} testId="dlq-error" /> : null}
      {!d ? (
        error ? null : <p className="py-6 text-sm text-zinc-500">Loading the DLQ…</p>
      ) : (
        <div data-testid="dlq-detail" data-dlq={d.name}>
          <h1 className="text-2xl font-semibold tracking-tight wrap-anywhere" data-testid="dlq-title">
            {dlqDisplayName(d.kind, d.name)}
          </h1>
          <p className="mt-1 flex flex-wrap items-center gap-2 text-sm text-zinc-600 dark:text-zinc-400">
            <span>
              {BROKER_LABELS[d.kind].deadLetterSourceTitle} on cluster <span className="font-medium text-zinc-800 dark:text-zinc-200">{d.cluster}</span> · {KIND_LABEL[d.kind]} · {d.foundBy}
            </span>
            {d.deleted ? <Badge tone="neutral">Queue deleted</Badge> : !BROKER_CAPABILITIES[d.kind].adoptableDeadLetterSources ? <Badge tone="ok">{BROKER_LABELS[d.kind].deadLetterSourceTitle}</Badge> : d.adopted ? <Badge tone="ok">Adopted · collecting</Badge> : <Badge tone="neutral">Not adopted</Badge>}
          </p>
          {d.problem && !d.deleted ? (
            <p role="alert" className="mt-3 rounded-md border border-rose-300 bg-rose-50 px-3 py-2 text-sm text-rose-900 dark:border-rose-500/40 dark:bg-rose-500/10 dark:text-rose-200">
              {d.problem}
            </p>
          ) : null}

          <Card className="mt-4">
            <dl className="grid grid-cols-2 gap-x-6 gap-y-3 text-sm sm:grid-cols-4">
              <Stat label={d.inflowWindowSeconds === null ? "Dead letters per minute" : `Dead letters per minute, over the last ${formatDuration(d.inflowWindowSeconds)}`} testId="dlq-inflow">
                {d.inflowPerMinute === null ? "—" : formatRate(d.inflowPerMinute)}
              </Stat>
              <Stat label="Depth on the broker">{formatCount(d.depth)}</Stat>
              <Stat label="Waiting to be collected">{d.collectorLag === null ? "—" : formatCount(d.collectorLag)}</Stat>
              <Stat label="Collected into the inbox" testId="dlq-collected">{formatCount(d.collected)}</Stat>
            </dl>
            <p className="mt-3 text-xs text-zinc-500 dark:text-zinc-400">
              Dead letters from: {d.sources.length ? <span className="wrap-anywhere">{d.sources.join(", ")}</span> : "no source found"}
            </p>
          </Card>

          {d.consumerId ? <DlqInflow consumerId={d.consumerId} window={window} /> : null}

          <section className="mt-6" aria-labelledby="dlq-letters-heading">
            <h2 id="dlq-letters-heading" className="text-lg font-semibold">
              Its letters
            </h2>
            {window && isClient ? (
              <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400" data-testid="dlq-window">
                Window {formatFullTime(window.from)} → {formatFullTime(window.to)} (your local time), from the link you followed.
              </p>
            ) : null}
            {scope ? (
              <ul className="mt-2 flex flex-wrap gap-3 text-sm">
                <li>
                  <Link className="underline" data-testid="dlq-letters-link" href={deadLettersHref(scope)}>
                    Letters collected from it{window ? " in this window" : ""}
                  </Link>
                </li>
                <li>
                  <Link className="underline" href={deadLettersHref(scope, "groups")}>
                    Their cause groups
                  </Link>
                </li>
                {window ? (
                  <li>
                    <Link className="underline" href={deadLettersHref({ cluster: d.cluster, collectedFrom: d.name })}>
                      All its letters
                    </Link>
                  </li>
                ) : null}
              </ul>
            ) : null}
            {scope && (d.adopted || d.collected > 0) ? <LatestLetters cluster={d.cluster} collectedFrom={d.name} window={window} /> : null}
            {BROKER_CAPABILITIES[d.kind].adoptableDeadLetterSources && !d.adopted ? (
              <p className="mt-2 text-sm text-zinc-500 dark:text-zinc-400">Redrive does not collect from this DLQ: adopt it on the Dead letters page to keep its letters in the inbox.</p>
            ) : null}
          </section>
        </div>
      )}
    </div>
  );
}

function Stat({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="mt-0.5 text-lg leading-tight font-semibold tabular-nums" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

/** The last hour of arrivals (or the link's window), from the samples of the queue itself. */
function DlqInflow({ consumerId, window }: { consumerId: string; window: { from: string; to: string } | null }) {
  const range: SeriesRangeKey = window ? { kind: "absolute", ...window } : { kind: "relative", seconds: 3600 };
  const { data } = useConsumerSeries(consumerId, range);
  if (!data) return null;
  return (
    <div className="mt-4">
      <DeadLetterInflowChart data={toChartPoints(data.points, data.stepSeconds)} from={Date.parse(data.from)} to={Date.parse(data.to)} source={data.source} stepSeconds={data.stepSeconds} />
    </div>
  );
}

const LATEST = 10;

/** The newest letters collected from it, right here (the inbox link has the rest). */
function LatestLetters({ cluster, collectedFrom, window }: { cluster: string; collectedFrom: string; window: { from: string; to: string } | null }) {
  const now = useNow(10_000);
  const filters = { ...EMPTY_FILTERS, cluster, collectedFrom, ...(window ?? {}) };
  const q = useDeadLetters(filters);
  const page = q.data?.pages[0]?.items ?? [];
  const items = page.slice(0, LATEST);
  // More than these ten: the footer sends to the inbox for the rest, rather than claiming these are all.
  const more = page.length > LATEST || Boolean(q.data?.pages[0]?.nextCursor);
  if (!q.data) return null;
  if (items.length === 0) return <p className="mt-3 text-sm text-zinc-500 dark:text-zinc-400">No letters collected from it{window ? " in this window" : " yet"}.</p>;
  return (
    <div className="mt-3" data-testid="dlq-latest-letters">
      <p className="mb-2 text-sm text-zinc-600 dark:text-zinc-400">The {items.length === 1 ? "newest letter" : `newest ${items.length}`}:</p>
      <LetterTable
        items={items}
        now={now}
        more={{ hasNextPage: false, isFetchingNextPage: false, nextPageError: null, fetchNextPage: () => {} }}
        footer={
          <p className="px-3 py-3 text-center text-xs text-zinc-500 dark:text-zinc-400">
            {more ? (
              <Link className="underline" href={deadLettersHref(filters)} data-testid="dlq-latest-all">
                The newest {items.length}; every letter collected from it is in the inbox
              </Link>
            ) : (
              `That is every letter collected from it${window ? " in this window" : ""}.`
            )}
          </p>
        }
      />
    </div>
  );
}
