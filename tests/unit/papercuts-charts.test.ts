import { describe, expect, it } from "vitest";
import { scaleRates, type ChartPoint } from "@/components/charts/series-data";
import { tickFormatter, timeTicks } from "@/components/charts/time-axis";
import { chooseRateUnit, formatTick, niceTicks } from "@/components/charts/value-axis";

const point = (t: number, inflowRate: number | null): ChartPoint => ({
  t,
  backlog: null,
  backlogMax: null,
  inFlight: null,
  inFlightLimit: null,
  consumerCount: null,
  ackRate: null,
  deliverRate: null,
  inflowRate,
  redeliverRate: null,
  oldestAgeSeconds: null,
});

describe("value axis", () => {
  it("puts ticks on round numbers", () => {
    expect(niceTicks(9.3)).toEqual([0, 5, 10]);
    expect(niceTicks(0.009)).toEqual([0, 0.005, 0.01]);
    expect(niceTicks(5458)).toEqual([0, 2000, 4000, 6000]);
    expect(niceTicks(3, 4, true)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });

  it("labels ticks with no more digits than their step", () => {
    const t = niceTicks(0.9);
    expect(t.map((v) => formatTick(v, t))).toEqual(["0.0", "0.5", "1.0"]);
    const small = niceTicks(0.54);
    expect(small.map((v) => formatTick(v, small))).toEqual(["0.0", "0.2", "0.4", "0.6"]);
    const big = niceTicks(26_000);
    expect(big.map((v) => formatTick(v, big))).toEqual(["0", "10K", "20K", "30K"]);
  });

  it("states a trickle per minute instead of as 0.0045/s", () => {
    expect(chooseRateUnit(12)).toMatchObject({ suffix: "/s" });
    expect(chooseRateUnit(0.009)).toMatchObject({ suffix: "/min" });
    const { data, unit } = scaleRates([point(0, 0.0045), point(1, 0.009), point(2, null)], ["inflowRate"]);
    expect(unit.suffix).toBe("/min");
    expect(data[0]!.inflowRate).toBeCloseTo(0.27);
    expect(data[1]!.inflowRate).toBeCloseTo(0.54);
    expect(data[2]!.inflowRate).toBeNull();
  });
});

describe("time axis", () => {
  it("dates the ticks of a 24-hour chart where a day starts", () => {
    const to = new Date(2026, 11, 6, 15, 0).getTime();
    const from = to - 24 * 3_600_000;
    const ticks = timeTicks(from, to);
    const label = tickFormatter(from, to, ticks);
    const labels = ticks.map(label);
    // The first tick says its date, and the first one on the next day says that date.
    expect(labels[0]).toMatch(/Dec/);
    const firstOfNextDay = ticks.findIndex((t) => new Date(t).getDate() === 6);
    expect(labels[firstOfNextDay]).toMatch(/6/);
    expect(labels.filter((l) => /Dec/.test(l)).length).toBeLessThanOrEqual(2);
  });

  it("dates the ticks of a 7-day chart", () => {
    const to = new Date(2026, 11, 6, 15, 0).getTime();
    const from = to - 7 * 24 * 3_600_000;
    const ticks = timeTicks(from, to);
    const labels = ticks.map(tickFormatter(from, to, ticks));
    expect(labels.every((l) => /Nov|Dec/.test(l))).toBe(true);
  });

  it("keeps a one-hour chart to clock times", () => {
    const to = new Date(2026, 11, 6, 15, 0).getTime();
    const ticks = timeTicks(to - 3_600_000, to);
    expect(ticks.map(tickFormatter(to - 3_600_000, to, ticks)).some((l) => /Nov|Dec|Sun|Sat/.test(l))).toBe(false);
  });
});
