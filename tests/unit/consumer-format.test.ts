import { describe, expect, it } from "vitest";
import { sparklinePoints } from "@/components/charts/sparkline";
import { toChartPoints } from "@/components/charts/series-data";
import { timeTicks } from "@/components/charts/time-axis";
import {
  countByState,
  describeSampling,
  describeSeriesWindow,
  formatAge,
  formatConfigValue,
  formatCount,
  formatDuration,
  formatEta,
  formatInFlight,
  formatRate,
  isStale,
  summarizeCounts,
} from "@/components/consumers/format";
import { consumerHref, consumersHref, listParamsToQuery, nextSort, parseListParams } from "@/components/consumers/list-params";
import { fromLocalInputValue, parseTimeRange, resolveRange, toLocalInputValue, toSeriesKey, writeTimeRange } from "@/components/consumers/time-range";
import type { SeriesPoint } from "@/lib/health/types";

describe("numbers", () => {
  it("groups counts the way the brokers' own UIs do", () => {
    expect(formatCount(12400)).toBe("12,400");
    expect(formatCount(0)).toBe("0");
    expect(formatCount(1_234_567)).toBe("1,234,567");
    expect(formatCount(null)).toBe("—");
  });

  it("shows rates with one decimal under 10 and whole numbers above", () => {
    expect(formatRate(3.456)).toBe("3.5");
    expect(formatRate(9.94)).toBe("9.9");
    expect(formatRate(9.96)).toBe("10");
    expect(formatRate(12.6)).toBe("13");
    expect(formatRate(1240.2)).toBe("1,240");
    expect(formatRate(0)).toBe("0");
    expect(formatRate(null)).toBe("—");
  });

  it("never shows a trickle as zero", () => {
    expect(formatRate(0.01)).toBe("<0.1");
    expect(formatRate(0.06)).toBe("0.1");
  });

  it("shows in-flight against its limit, or alone when there is none", () => {
    expect(formatInFlight(12, 50)).toBe("12 / 50");
    expect(formatInFlight(1500, 20000)).toBe("1,500 / 20,000");
    expect(formatInFlight(3, null)).toBe("3");
  });
});

describe("time to drain", () => {
  it("says drained, not draining, or a rounded-up duration", () => {
    expect(formatEta(0)).toBe("drained");
    expect(formatEta(null)).toBe("not draining");
    expect(formatEta(20)).toBe("under 1 min");
    expect(formatEta(180)).toBe("3 min");
    expect(formatEta(121)).toBe("3 min");
    expect(formatEta(3 * 3600 + 5 * 60)).toBe("3 h 5 min");
    expect(formatEta(7200)).toBe("2 h");
    expect(formatEta(5 * 86400)).toBe("5 d");
  });
});

describe("ages", () => {
  const now = Date.parse("2026-03-01T12:00:00Z");
  it("reads the age of a sample", () => {
    expect(formatAge("2026-03-01T11:59:52Z", now)).toBe("8 s");
    expect(formatAge("2026-03-01T11:57:00Z", now)).toBe("3 min");
    expect(formatAge(null, now)).toBe("never");
    expect(formatAge("not a date", now)).toBe("—");
  });

  it("calls a sample stale after three sampler ticks", () => {
    expect(isStale("2026-03-01T11:59:45Z", now)).toBe(false);
    expect(isStale("2026-03-01T11:59:20Z", now)).toBe(true);
    expect(isStale(null, now)).toBe(true);
  });

  it("uses the largest units that matter", () => {
    expect(formatDuration(59)).toBe("59 s");
    expect(formatDuration(600)).toBe("10 min");
    expect(formatDuration(3600 * 47 + 60)).toBe("47 h 1 min");
    expect(formatDuration(-5)).toBe("0 s");
  });
});

describe("config values", () => {
  it("renders values as text, structured ones as JSON", () => {
    expect(formatConfigValue("orders.>")).toBe("orders.>");
    expect(formatConfigValue("<img src=x onerror=alert(1)>")).toBe("<img src=x onerror=alert(1)>");
    expect(formatConfigValue(30)).toBe("30");
    expect(formatConfigValue(false)).toBe("false");
    expect(formatConfigValue(null)).toBe("—");
    expect(formatConfigValue("")).toBe('""');
    expect(formatConfigValue([1, 5, 30])).toBe("[1,5,30]");
    expect(formatConfigValue({ "x-dead-letter-exchange": "demo.dlx" })).toBe('{"x-dead-letter-exchange":"demo.dlx"}');
    const long = formatConfigValue({ a: "x".repeat(40), b: "y".repeat(40) });
    expect(long).toContain("\n");
    expect(JSON.parse(long)).toEqual({ a: "x".repeat(40), b: "y".repeat(40) });
  });

  it("does not throw on values JSON cannot hold", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(typeof formatConfigValue(cyclic)).toBe("string");
  });
});

describe("the count line", () => {
  it("lists non-empty states worst first", () => {
    const counts = countByState([{ state: "OK" }, { state: "STOPPED" }, { state: "OK" }, { state: "LAGGING" }]);
    expect(summarizeCounts(counts, 4, 4)).toBe("4 consumers · 1 stopped · 1 lagging · 2 ok");
  });

  it("says when the server holds more than it sent", () => {
    const counts = countByState(Array.from({ length: 3 }, () => ({ state: "OK" as const })));
    expect(summarizeCounts(counts, 12_345, 3)).toBe("12,345 consumers; the first 3 shown: 3 ok. Narrow the filters to see the rest.");
    expect(summarizeCounts(countByState([]), 1, 1)).toBe("1 consumer");
  });
});

describe("what charts say they measured", () => {
  it("names raw samples and rollup buckets", () => {
    expect(describeSeriesWindow("raw", 10)).toBe("rates per second, over 10 s samples");
    expect(describeSeriesWindow("rollup", 60)).toBe("rates per second, 1-minute averages");
    expect(describeSeriesWindow("rollup", 300)).toBe("rates per second, 5-minute averages");
    expect(describeSampling("raw", 10)).toBe("sampled every 10 s");
    expect(describeSampling("rollup", 60)).toBe("1-minute averages");
  });
});

describe("the list's URL", () => {
  const params = (qs: string) => new URLSearchParams(qs);

  it("round-trips a view, leaving defaults out", () => {
    const f = parseListParams(params("cluster=prod-nats&kind=nats&role=app&state=STALLED,STOPPED&q=orders&sort=backlog&dir=asc"));
    expect(f).toEqual({ cluster: "prod-nats", kind: "nats", role: "app", states: ["STALLED", "STOPPED"], q: "orders", sort: "backlog", dir: "asc" });
    expect(listParamsToQuery(f)).toBe("cluster=prod-nats&kind=nats&role=app&state=STALLED%2CSTOPPED&q=orders&sort=backlog&dir=asc");
    expect(listParamsToQuery(parseListParams(params("")))).toBe("");
    expect(listParamsToQuery(parseListParams(params("sort=state&dir=asc")))).toBe("");
  });

  it("drops what it does not know", () => {
    expect(parseListParams(params("kind=kafka&role=all&state=BROKEN,ok&sort=evil&dir=sideways"))).toStrictEqual({
      cluster: undefined,
      kind: undefined,
      role: undefined,
      states: ["OK"],
      q: "",
      sort: "state",
      dir: "asc",
    });
  });

  it("sorts numbers biggest first on the first click and flips on the second", () => {
    expect(nextSort({ sort: "state", dir: "asc" }, "backlog")).toEqual({ sort: "backlog", dir: "desc" });
    expect(nextSort({ sort: "backlog", dir: "desc" }, "backlog")).toEqual({ sort: "backlog", dir: "asc" });
    expect(nextSort({ sort: "backlog", dir: "desc" }, "name")).toEqual({ sort: "name", dir: "asc" });
  });

  it("builds links for the Overview's badges and for a consumer", () => {
    expect(consumersHref({ cluster: "prod nats", states: ["STALLED"] })).toBe("/consumers?cluster=prod+nats&state=STALLED");
    expect(consumersHref({})).toBe("/consumers");
    expect(consumerHref("a/b c")).toBe("/consumers/a%2Fb%20c");
  });
});

describe("the detail page's time range", () => {
  const params = (qs: string) => new URLSearchParams(qs);

  it("reads presets, defaulting to the last hour", () => {
    expect(parseTimeRange(params("range=6h"))).toEqual({ kind: "relative", key: "6h", seconds: 21600 });
    expect(parseTimeRange(params(""))).toEqual({ kind: "relative", key: "1h", seconds: 3600 });
    expect(parseTimeRange(params("range=1y"))).toEqual({ kind: "relative", key: "1h", seconds: 3600 });
  });

  it("keeps an absolute window exactly, whenever the link is opened", () => {
    const r = parseTimeRange(params("from=2026-02-28T09:00:00.000Z&to=2026-02-28T10:30:00.000Z&range=15m"));
    expect(r).toEqual({ kind: "absolute", from: "2026-02-28T09:00:00.000Z", to: "2026-02-28T10:30:00.000Z" });
    expect(resolveRange(r, Date.now())).toEqual({ from: Date.parse("2026-02-28T09:00:00Z"), to: Date.parse("2026-02-28T10:30:00Z") });
    expect(toSeriesKey(r)).toEqual({ kind: "absolute", from: "2026-02-28T09:00:00.000Z", to: "2026-02-28T10:30:00.000Z" });
  });

  it("ignores a backwards or unreadable window", () => {
    expect(parseTimeRange(params("from=2026-02-28T10:00:00Z&to=2026-02-28T09:00:00Z")).kind).toBe("relative");
    expect(parseTimeRange(params("from=yesterday&to=today")).kind).toBe("relative");
  });

  it("writes a range into the URL, replacing the previous one", () => {
    const sp = params("range=6h&other=1");
    writeTimeRange(sp, { kind: "absolute", from: "2026-02-28T09:00:00.000Z", to: "2026-02-28T10:00:00.000Z" });
    expect(sp.toString()).toBe("other=1&from=2026-02-28T09%3A00%3A00.000Z&to=2026-02-28T10%3A00%3A00.000Z");
    writeTimeRange(sp, { kind: "relative", key: "1h", seconds: 3600 });
    expect(sp.toString()).toBe("other=1");
    writeTimeRange(sp, { kind: "relative", key: "7d", seconds: 604800 });
    expect(sp.toString()).toBe("other=1&range=7d");
  });

  it("round-trips the datetime-local inputs in local time", () => {
    const iso = "2026-02-28T09:05:00.000Z";
    const local = toLocalInputValue(iso);
    expect(local).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
    expect(fromLocalInputValue(local)).toBe(iso);
    expect(fromLocalInputValue("")).toBeNull();
    expect(fromLocalInputValue("2026-02-28")).toBeNull();
  });
});

describe("chart data", () => {
  const point = (t: string, backlog: number): SeriesPoint => ({
    t,
    backlog,
    backlogMax: null,
    inFlight: null,
    inFlightLimit: null,
    consumerCount: null,
    ackRate: null,
    deliverRate: null,
    inflowRate: null,
    redeliverRate: null,
    oldestAgeSeconds: null,
  });

  it("breaks the line where the sampler missed ticks", () => {
    const out = toChartPoints([point("2026-03-01T12:00:00Z", 1), point("2026-03-01T12:00:10Z", 2), point("2026-03-01T12:05:00Z", 3)], 10);
    expect(out.map((p) => p.backlog)).toEqual([1, 2, null, 3]);
    expect(out[2]!.t).toBe(Date.parse("2026-03-01T12:00:20Z"));
  });

  it("puts time ticks on round minutes inside the window", () => {
    const from = Date.parse("2026-03-01T12:03:17Z");
    const to = from + 3600_000;
    const ticks = timeTicks(from, to);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.length).toBeLessThanOrEqual(7);
    for (const t of ticks) {
      expect(t).toBeGreaterThanOrEqual(from);
      expect(t).toBeLessThanOrEqual(to);
      expect(new Date(t).getSeconds()).toBe(0);
      expect(new Date(t).getMinutes() % 5).toBe(0);
    }
    expect(timeTicks(to, from)).toEqual([]);
  });

  it("draws a sparkline from zero to the largest reading", () => {
    expect(sparklinePoints([5], 64, 18)).toBeNull();
    expect(sparklinePoints([0, 10], 64, 18)).toBe("0.0,16.5 64.0,1.5");
    expect(sparklinePoints([0, 0, 0], 64, 18)).toBe("0.0,16.5 32.0,16.5 64.0,16.5");
  });
});
