"use client";

import { describeSampling, formatCount } from "@/components/consumers/format";
import type { SeriesChartProps } from "./series-data";
import { TimeSeriesChart, type SeriesSpec } from "./time-series-chart";
import { SERIES_COLORS } from "./use-chart-theme";

const SERIES: SeriesSpec[] = [{ key: "consumerCount", name: "Consumers", color: SERIES_COLORS.consumers, kind: "step" }];

export function ConsumerCountChart({ data, from, to, source, stepSeconds }: SeriesChartProps) {
  return (
    <TimeSeriesChart
      title="Connected consumers"
      note={`Subscribers attached, ${describeSampling(source, stepSeconds)}`}
      testId="chart-consumers"
      data={data}
      from={from}
      to={to}
      series={SERIES}
      format={formatCount}
      integer
    />
  );
}
