"use client";

import { describeSampling, formatCount } from "@/components/consumers/format";
import type { SeriesChartProps } from "./series-data";
import { TimeSeriesChart, type SeriesSpec } from "./time-series-chart";
import { SERIES_COLORS } from "./use-chart-theme";

const SERIES: SeriesSpec[] = [
  { key: "inFlight", name: "In flight", color: SERIES_COLORS.inFlight, kind: "line" },
  { key: "inFlightLimit", name: "Limit", color: SERIES_COLORS.limit, kind: "step", dashed: true },
];

/** In flight pinned at the limit means the consumers hold all they may and take nothing new. */
export function InFlightChart({ data, from, to, source, stepSeconds }: SeriesChartProps) {
  return (
    <TimeSeriesChart
      title="In flight vs limit"
      note={`Delivered, not yet acknowledged, against max ack pending or prefetch; ${describeSampling(source, stepSeconds)}`}
      testId="chart-in-flight"
      data={data}
      from={from}
      to={to}
      series={SERIES}
      format={formatCount}
      integer
    />
  );
}
