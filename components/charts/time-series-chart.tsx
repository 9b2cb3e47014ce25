"use client";

import { Area, CartesianGrid, ComposedChart, Line, Tooltip, XAxis, YAxis } from "recharts";
import { Card } from "@/components/ui/card";
import type { ChartPoint } from "./series-data";
import { formatFullTime, tickFormatter, timeTicks } from "./time-axis";
import { useChartTheme } from "./use-chart-theme";
import { formatTick, niceTicks } from "./value-axis";

export type SeriesSpec = {
  key: Exclude<keyof ChartPoint, "t">;
  name: string;
  color: string;
  /** area: filled; line: straight segments; step: holds each value until the next (counts, limits). */
  kind: "area" | "line" | "step";
  dashed?: boolean;
  /** Stroke width; 1.5 unless a series must show beneath another. */
  width?: number;
};


/**
 * A reading with gaps on both sides draws no line segment, so it gets a dot; every other point
 * stays undotted to keep dense series readable.
 */
function isolatedDot(data: ChartPoint[], key: SeriesSpec["key"], color: string) {
  return function Dot(props: { cx?: number; cy?: number; index?: number }) {
    const i = props.index ?? -1;
    const isolated = data[i]?.[key] != null && data[i - 1]?.[key] == null && data[i + 1]?.[key] == null;
    if (!isolated || props.cx === undefined || props.cy === undefined) return <g key={i} />;
    return <circle key={i} cx={props.cx} cy={props.cy} r={2} fill={color} />;
  };
}

/** One chart card: title, what it was measured over, a legend, and the window from→to on a local-time axis. */
export function TimeSeriesChart({
  title,
  note,
  testId,
  data,
  from,
  to,
  series,
  format,
  integer = false,
  height = 200,
}: {
  title: string;
  note: string;
  testId: string;
  data: ChartPoint[];
  from: number;
  to: number;
  series: SeriesSpec[];
  /** Values in the tooltip. */
  format: (v: number | null) => string;
  /** Counts of things: no 0.5 on the axis. */
  integer?: boolean;
  height?: number;
}) {
  const theme = useChartTheme();
  const ticks = timeTicks(from, to);
  const tick = tickFormatter(from, to, ticks);
  const max = Math.max(0, ...data.flatMap((p) => series.map((s) => p[s.key] ?? 0)));
  const yTicks = niceTicks(max, 4, integer);
  const empty = !data.some((p) => series.some((s) => p[s.key] !== null));
  return (
    <Card data-testid={testId} className="min-w-0">
      <div className="mb-2">
        <h3 className="text-sm font-semibold">{title}</h3>
        <p className="text-xs text-zinc-500 dark:text-zinc-400">{note}</p>
        <ul className="mt-1.5 flex flex-wrap gap-x-3 gap-y-1 text-xs text-zinc-600 dark:text-zinc-300" aria-label="Legend">
          {series.map((s) => (
            <li key={s.key} className="inline-flex items-center gap-1.5">
              <svg width="14" height="8" aria-hidden>
                <line x1="0" y1="4" x2="14" y2="4" stroke={s.color} strokeWidth={s.width ? Math.min(3, s.width) : 2} strokeOpacity={s.width ? 0.55 : 1} strokeDasharray={s.dashed ? "4 2" : undefined} />
              </svg>
              {s.name}
            </li>
          ))}
        </ul>
      </div>
      <div className="relative" style={{ height }}>
        <ComposedChart responsive data={data} style={{ width: "100%", height }} margin={{ top: 6, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={theme.grid} vertical={false} />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={[from, to]}
            allowDataOverflow
            ticks={ticks}
            tickFormatter={tick}
            stroke={theme.grid}
            tick={{ fill: theme.axis, fontSize: 11 }}
            tickLine={false}
          />
          <YAxis
            domain={[0, yTicks[yTicks.length - 1]!]}
            ticks={yTicks}
            allowDecimals={!integer}
            width={44}
            tickFormatter={(v: number) => formatTick(v, yTicks)}
            stroke={theme.grid}
            tick={{ fill: theme.axis, fontSize: 11 }}
            tickLine={false}
            axisLine={false}
          />
          <Tooltip
            isAnimationActive={false}
            cursor={{ stroke: theme.cursor }}
            contentStyle={{ background: theme.tooltipBg, borderColor: theme.tooltipBorder, color: theme.tooltipText, borderRadius: 6, fontSize: 12 }}
            labelStyle={{ color: theme.tooltipText, marginBottom: 4 }}
            labelFormatter={(label) => (typeof label === "number" ? formatFullTime(label) : "")}
            formatter={(value, name) => [format(typeof value === "number" ? value : null), name]}
          />
          {series.map((s) =>
            s.kind === "area" ? (
              <Area
                key={s.key}
                dataKey={s.key}
                name={s.name}
                type="linear"
                stroke={s.color}
                fill={s.color}
                fillOpacity={0.15}
                strokeWidth={1.5}
                connectNulls={false}
                isAnimationActive={false}
                dot={isolatedDot(data, s.key, s.color)}
              />
            ) : (
              <Line
                key={s.key}
                dataKey={s.key}
                name={s.name}
                type={s.kind === "step" ? "stepAfter" : "linear"}
                stroke={s.color}
                strokeWidth={s.width ?? 1.5}
                strokeOpacity={s.width ? 0.55 : 1}
                strokeDasharray={s.dashed ? "4 3" : undefined}
                connectNulls={false}
                isAnimationActive={false}
                dot={isolatedDot(data, s.key, s.color)}
              />
            ),
          )}
        </ComposedChart>
        {empty ? (
          <p className="absolute inset-0 flex items-center justify-center text-sm text-zinc-500 dark:text-zinc-400">No samples in this window</p>
        ) : null}
      </div>
    </Card>
  );
}
