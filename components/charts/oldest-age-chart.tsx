"use client";

import { describeSampling, formatDuration } from "@/components/consumers/format";
import type { SeriesChartProps } from "./series-data";
import { TimeSeriesChart, type SeriesSpec } from "./time-series-chart";
import { SERIES_COLORS } from "./use-chart-theme";

const SERIES: SeriesSpec[] = [{ key: "oldestAgeSeconds", name: "Oldest waiting", color: SERIES_COLORS.oldest, kind: "line" }];

export function OldestAgeChart({ data, from, to, source, stepSeconds }: SeriesChartProps) {
  return (
    <TimeSeriesChart
      title="Time lag"
      note={`Age of the oldest waiting message, as the broker tells it (largest in each step); ${describeSampling(source, stepSeconds)}`}
      testId="chart-oldest-age"
      data={data}
      from={from}
      to={to}
      series={SERIES}
      format={(v) => (v === null ? "—" : formatDuration(v))}
    />
  );
}
