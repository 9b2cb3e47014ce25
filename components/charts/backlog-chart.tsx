"use client";

import { describeSampling, formatCount } from "@/components/consumers/format";
import type { SeriesChartProps } from "./series-data";
import { TimeSeriesChart, type SeriesSpec } from "./time-series-chart";
import { SERIES_COLORS } from "./use-chart-theme";

export function BacklogChart({ data, from, to, source, stepSeconds }: SeriesChartProps) {
  const rollup = source === "rollup";
  const series: SeriesSpec[] = [{ key: "backlog", name: rollup ? "Backlog (average)" : "Backlog", color: SERIES_COLORS.backlog, kind: "area" }];
  // A bucket's average hides a spike; its maximum shows it.
  if (rollup) series.push({ key: "backlogMax", name: "Maximum", color: SERIES_COLORS.backlog, kind: "line", dashed: true });
  const note = `Messages waiting or unacknowledged, ${describeSampling(source, stepSeconds)}${rollup ? " with each bucket's maximum" : ""}`;
  return <TimeSeriesChart title="Backlog" note={note} testId="chart-backlog" data={data} from={from} to={to} series={series} format={formatCount} integer />;
}
