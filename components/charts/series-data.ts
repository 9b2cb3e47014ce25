// Turning the API's series into what the charts draw: epoch-ms x values, and explicit gaps where
// the sampler missed ticks, so a line never bridges a period nobody measured.

import type { SeriesPoint } from "@/lib/health/types";

import { chooseRateUnit, type RateUnit } from "./value-axis";

export type ChartPoint = Omit<SeriesPoint, "t"> & { t: number };

const EMPTY: Omit<SeriesPoint, "t"> = {
  backlog: null,
  backlogMax: null,
  inFlight: null,
  inFlightLimit: null,
  consumerCount: null,
  ackRate: null,
  deliverRate: null,
  inflowRate: null,
  redeliverRate: null,
  oldestAgeSeconds: null,
};

/** A hole longer than this many steps is a gap in sampling, not jitter. */
const GAP_STEPS = 2.5;

export function toChartPoints(points: readonly SeriesPoint[], stepSeconds: number): ChartPoint[] {
  const out: ChartPoint[] = [];
  const gapMs = Math.max(1, stepSeconds) * 1000 * GAP_STEPS;
  let prev: number | null = null;
  for (const p of points) {
    const t = Date.parse(p.t);
    if (Number.isNaN(t)) continue;
    if (prev !== null && t - prev > gapMs) out.push({ ...EMPTY, t: prev + stepSeconds * 1000 });
    out.push({ ...p, t });
    prev = t;
  }
  return out;
}

/** What every consumer chart is given: the points and the window they cover. */
export type SeriesChartProps = {
  data: ChartPoint[];
  from: number;
  to: number;
  source: "raw" | "rollup";
  stepSeconds: number;
};

type RateKey = "ackRate" | "deliverRate" | "inflowRate" | "redeliverRate";

/** Per-second rates restated in the unit that keeps them readable (a trickle of 0.005/s reads 0.3/min). */
export function scaleRates(data: ChartPoint[], keys: RateKey[]): { data: ChartPoint[]; unit: RateUnit } {
  const max = Math.max(0, ...data.flatMap((p) => keys.map((k) => p[k] ?? 0)));
  const unit = chooseRateUnit(max);
  if (unit.perSecond === 1) return { data, unit };
  return { data: data.map((p) => ({ ...p, ...Object.fromEntries(keys.map((k) => [k, p[k] === null ? null : p[k]! * unit.perSecond])) })), unit };
}
