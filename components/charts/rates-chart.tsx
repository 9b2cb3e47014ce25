"use client";

import { describeSeriesWindow, formatRate } from "@/components/consumers/format";
import type { SeriesChartProps } from "./series-data";
import { TimeSeriesChart, type SeriesSpec } from "./time-series-chart";
import { SERIES_COLORS } from "./use-chart-theme";

const SERIES: SeriesSpec[] = [
  { key: "inflowRate", name: "Inflow", color: SERIES_COLORS.inflow, kind: "line" },
  // Wide and under the acks: when every delivery is acked the two coincide, and both stay visible.
  { key: "deliverRate", name: "Delivered", color: SERIES_COLORS.deliver, kind: "line", width: 4 },
  { key: "ackRate", name: "Acknowledged", color: SERIES_COLORS.ack, kind: "line" },
];

/** Inflow above acks is a growing backlog; deliveries above acks is work failing or slow. */
export function RatesChart({ data, from, to, source, stepSeconds }: SeriesChartProps) {
  return (
    <TimeSeriesChart
      title="Inflow, delivery and acknowledgement"
      note={`Messages in, out and done; ${describeSeriesWindow(source, stepSeconds)}`}
      testId="chart-rates"
      data={data}
      from={from}
      to={to}
      series={SERIES}
      format={(v) => (v === null ? "—" : `${formatRate(v)}/s`)}
    />
  );
}
