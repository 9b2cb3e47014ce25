"use client";

import { describeSeriesWindow, formatRate } from "@/components/consumers/format";
import { scaleRates, type SeriesChartProps } from "./series-data";
import { TimeSeriesChart, type SeriesSpec } from "./time-series-chart";
import { SERIES_COLORS } from "./use-chart-theme";

const SERIES: SeriesSpec[] = [
  { key: "inflowRate", name: "Inflow", color: SERIES_COLORS.inflow, kind: "line" },
  // Wide and under the acks, which are dashed: when every delivery is acked the two coincide, and both stay visible.
  { key: "deliverRate", name: "Delivered", color: SERIES_COLORS.deliver, kind: "line", width: 4 },
  { key: "ackRate", name: "Acknowledged", color: SERIES_COLORS.ack, kind: "line", dashed: true },
];

/** Inflow above acks is a growing backlog; deliveries above acks is work failing or slow. */
export function RatesChart({ data: perSecond, from, to, source, stepSeconds }: SeriesChartProps) {
  const { data, unit } = scaleRates(perSecond, ["inflowRate", "deliverRate", "ackRate"]);
  return (
    <TimeSeriesChart
      title="Inflow, delivery and acknowledgement"
      note={`Messages in, out and done; ${describeSeriesWindow(source, stepSeconds, unit.word)}`}
      testId="chart-rates"
      data={data}
      from={from}
      to={to}
      series={SERIES}
      format={(v) => (v === null ? "—" : `${formatRate(v)}${unit.suffix}`)}
    />
  );
}
