import { describe, expect, it } from "vitest";
import { describeManagement } from "@/components/clusters/describe-management";
import { consumerEta, describeNoConsumers } from "@/components/consumers/format";
import { consumersHref, parseListParams } from "@/components/consumers/list-params";
import { scoreImpact } from "@/lib/health/score-impact";
import { STATE_SEVERITY, type HealthState } from "@/lib/health/types";

describe("worst consumers by impact", () => {
  const rank = (list: Array<{ name: string; state: HealthState; backlog: number; growthPerSecond: number | null; secondsInState: number }>) =>
    [...list].sort((a, b) => scoreImpact(b) - scoreImpact(a) || STATE_SEVERITY[a.state] - STATE_SEVERITY[b.state]).map((c) => c.name);

  it("puts a deep, rising LAGGING queue above STOPPED queues holding one message", () => {
    const stopped = Array.from({ length: 12 }, (_, i) => ({ name: `stopped-${i}`, state: "STOPPED" as const, backlog: 1, growthPerSecond: 0, secondsInState: 3600 * (i + 1) }));
    const lagging = { name: "orders", state: "LAGGING" as const, backlog: 5458, growthPerSecond: 4.2, secondsInState: 600 };
    const order = rank([...stopped, lagging]);
    expect(order[0]).toBe("orders");
  });

  it("still ranks a stopped queue with a real backlog above a lagging one that barely grows", () => {
    expect(rank([
      { name: "slow", state: "LAGGING", backlog: 120, growthPerSecond: 0.2, secondsInState: 120 },
      { name: "dead", state: "STOPPED", backlog: 3000, growthPerSecond: 0, secondsInState: 120 },
    ])).toEqual(["dead", "slow"]);
  });

  it("weighs growth and time in state when state and backlog tie", () => {
    const base = { state: "STALLED" as const, backlog: 500, growthPerSecond: 0, secondsInState: 60 };
    expect(scoreImpact({ ...base, growthPerSecond: 10 })).toBeGreaterThan(scoreImpact(base));
    expect(scoreImpact({ ...base, secondsInState: 7200 })).toBeGreaterThan(scoreImpact(base));
  });

  it("gives an OK consumer no impact, whatever its backlog", () => {
    expect(scoreImpact({ state: "OK", backlog: 1_000_000, growthPerSecond: 100, secondsInState: 99_999 })).toBe(0);
  });

  it("links to the full list narrowed to the troubled and sorted the same way", () => {
    const href = consumersHref({ states: ["STOPPED", "LAGGING"], sort: "impact", dir: "desc" });
    const f = parseListParams(new URL(href, "http://x").searchParams);
    expect(f).toMatchObject({ states: ["LAGGING", "STOPPED"], sort: "impact", dir: "desc" });
  });
});

describe("time to drain", () => {
  it("says a STOPPED queue is not draining, whatever its stored estimate", () => {
    expect(consumerEta({ state: "STOPPED", etaSeconds: 420, role: null })).toBe("not draining");
    expect(consumerEta({ state: "OK", etaSeconds: 420, role: null })).toBe("7 min");
  });
});

describe("what failed", () => {
  it("names a management API that refused the credentials instead of calling it silent", () => {
    expect(describeManagement({ ok: false, version: null, error: "x", httpStatus: 401 })).toBe("refused the credentials (401)");
    expect(describeManagement({ ok: false, version: null, error: "x", httpStatus: null })).toBe("not answering");
    expect(describeManagement({ ok: true, version: "3.10.8", error: null })).toBe("answers (3.10.8)");
  });

  it("says sampling fails instead of promising consumers within seconds", () => {
    const text = describeNoConsumers(null, [{ cluster: "rabbit-prod", error: "refused the credentials (401)" }]);
    expect(text).toContain("Sampling rabbit-prod fails");
    expect(text).not.toContain("within a few seconds");
    expect(describeNoConsumers(null, [])).toContain("within a few seconds");
  });
});
