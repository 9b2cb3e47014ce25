"use client";

import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { BacklogChart } from "@/components/charts/backlog-chart";
import { ConsumerCountChart } from "@/components/charts/consumer-count-chart";
import { InFlightChart } from "@/components/charts/in-flight-chart";
import { OldestAgeChart } from "@/components/charts/oldest-age-chart";
import { FindingsPanel } from "./findings";
import { RemediationPanel } from "./remediation-panel";
import { RatesChart } from "@/components/charts/rates-chart";
import { RedeliveryChart } from "@/components/charts/redelivery-chart";
import { toChartPoints, type SeriesChartProps } from "@/components/charts/series-data";
import { EmptyState } from "@/components/ui/empty-state";
import { useNow } from "@/components/ui/use-now";
import { ApiError } from "@/lib/queries/fetch-json";
import { useConsumer } from "@/lib/queries/use-consumer";
import { useConsumerSeries } from "@/lib/queries/use-consumer-series";
import { ConfigPanel, ThresholdsPanel } from "./config-panel";
import { ConsumerHeader } from "./consumer-header";
import { LoadError } from "./load-error";
import { RangePicker } from "./range-picker";
import { parseTimeRange, toSeriesKey, writeTimeRange, type TimeRange } from "./time-range";

/** /consumers/[id]: who it is, its state and why, its history over a range held in the URL, and its settings. */
export function ConsumerDetailView({ id }: { id: string }) {
  const searchParams = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const range = useMemo(() => parseTimeRange(searchParams), [searchParams]);
  const setRange = useCallback(
    (r: TimeRange) => {
      const qs = writeTimeRange(new URLSearchParams(searchParams.toString()), r).toString();
      router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
    },
    [router, pathname, searchParams],
  );

  const consumer = useConsumer(id);
  const notFound = consumer.error instanceof ApiError && consumer.error.status === 404;
  const series = useConsumerSeries(id, toSeriesKey(range), !notFound);
  const now = useNow();
  const chartProps = useMemo<SeriesChartProps | null>(() => {
    const d = series.data;
    if (!d) return null;
    return { data: toChartPoints(d.points, d.stepSeconds), from: Date.parse(d.from), to: Date.parse(d.to), source: d.source, stepSeconds: d.stepSeconds };
  }, [series.data]);

  if (notFound) return <NotKnown id={id} />;

  return (
    <div>
      {consumer.data ? (
        <ConsumerHeader consumer={consumer.data} now={now} />
      ) : consumer.error ? null : (
        <p className="py-6 text-sm text-zinc-500">Loading the consumer…</p>
      )}
      {consumer.error ? <LoadError what="this consumer" error={consumer.error} hasData={Boolean(consumer.data)} testId="consumer-error" /> : null}
      {consumer.data ? <FindingsPanel findings={consumer.data.findings} /> : null}
      {consumer.data ? <RemediationPanel consumer={consumer.data} /> : null}

      <section aria-labelledby="history-heading" className="mb-6">
        <div className="mb-3 flex flex-wrap items-center justify-between gap-3">
          <h2 id="history-heading" className="text-lg font-semibold">
            History
          </h2>
          <RangePicker range={range} onChange={setRange} />
        </div>
        {series.error ? <LoadError what="the history" error={series.error} hasData={Boolean(series.data)} testId="series-error" /> : null}
        {chartProps ? (
          <Charts dimmed={series.isPlaceholderData} props={chartProps} />
        ) : series.isPending && !series.error ? (
          <p className="py-12 text-center text-sm text-zinc-500">Loading the history…</p>
        ) : null}
      </section>

      {consumer.data ? (
        <div className="grid gap-4 lg:grid-cols-2">
          <ConfigPanel config={consumer.data.config} />
          <ThresholdsPanel thresholds={consumer.data.thresholds} />
        </div>
      ) : null}
    </div>
  );
}

function Charts({ props, dimmed }: { props: SeriesChartProps; dimmed: boolean }) {
  return (
    <div className={"grid gap-4 transition-opacity xl:grid-cols-2 " + (dimmed ? "opacity-60" : "")} aria-busy={dimmed}>
      <BacklogChart {...props} />
      <RatesChart {...props} />
      <RedeliveryChart {...props} />
      <InFlightChart {...props} />
      <ConsumerCountChart {...props} />
      <OldestAgeChart {...props} />
    </div>
  );
}

function NotKnown({ id }: { id: string }) {
  return (
    <div data-testid="consumer-not-found">
      <h1 className="mb-6 text-2xl font-semibold tracking-tight">Consumer not found</h1>
      <EmptyState title="This consumer is not known (any more)">
        Redrive has no consumer with the id <code className="font-mono wrap-anywhere">{id}</code>. It may have been deleted on the broker
        and its history expired, or the link is incomplete.{" "}
        <Link href="/consumers" className="underline">
          See every consumer
        </Link>
        .
      </EmptyState>
    </div>
  );
}
