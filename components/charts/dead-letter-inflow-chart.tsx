"use client";

import { describeSeriesWindow, formatRate } from "@/components/consumers/format";
import type { SeriesChartProps } from "./series-data";
import { TimeSeriesChart, type SeriesSpec } from "./time-series-chart";
import { SERIES_COLORS } from "./use-chart-theme";

const SERIES: SeriesSpec[] = [{ key: "inflowRate", name: "Dead letters", color: SERIES_COLORS.redeliver, kind: "area" }];

/** A DLQ's arrivals, always per minute: dead letters are counted one by one, and "0.02/s" says less than "1.2/min". */
export function DeadLetterInflowChart({ data, from, to, source, stepSeconds }: SeriesChartProps) {
  const perMinute = data.map((p) => ({ ...p, inflowRate: p.inflowRate === null ? null : p.inflowRate * 60 }));
  return (
    <TimeSeriesChart
      title="Dead letters arriving"
      note={`Letters dead-lettered into it; ${describeSeriesWindow(source, stepSeconds, "minute")}`}
      testId="chart-dlq-inflow"
      data={perMinute}
      from={from}
      to={to}
      series={SERIES}
      format={(v) => (v === null ? "—" : `${formatRate(v)}/min`)}
    />
  );
}
