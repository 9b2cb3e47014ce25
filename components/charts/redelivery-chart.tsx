"use client";

import { describeSeriesWindow, formatRate } from "@/components/consumers/format";
import { scaleRates, type SeriesChartProps } from "./series-data";
import { TimeSeriesChart, type SeriesSpec } from "./time-series-chart";
import { SERIES_COLORS } from "./use-chart-theme";

const SERIES: SeriesSpec[] = [{ key: "redeliverRate", name: "Redelivered", color: SERIES_COLORS.redeliver, kind: "area" }];

export function RedeliveryChart({ data: perSecond, from, to, source, stepSeconds }: SeriesChartProps) {
  const { data, unit } = scaleRates(perSecond, ["redeliverRate"]);
  return (
    <TimeSeriesChart
      title="Redeliveries"
      note={`Messages delivered again (nak, ack timeout, consumer gone); ${describeSeriesWindow(source, stepSeconds, unit.word)}`}
      testId="chart-redelivery"
      data={data}
      from={from}
      to={to}
      series={SERIES}
      format={(v) => (v === null ? "—" : `${formatRate(v)}${unit.suffix}`)}
    />
  );
}
