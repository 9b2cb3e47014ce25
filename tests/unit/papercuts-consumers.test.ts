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
    const stopped = Array.from({ length: 12 }, (_, i) => ({
      name: `stopped-${i}`,
      state: "STOPPED" as const,
      backlog: 1,
      growthPerSecond: 0,
      secondsInState: 3600 * (i + 1),
    }));
    const lagging = { name: "orders", state: "LAGGING" as const, backlog: 5458, growthPerSecond: 4.2, secondsInState: 600 };
    const order = rank([...stopped, lagging]);
    expect(order[0]).toBe("orders");
  });

  it("still ranks a stopped queue with a real backlog above a lagging one that barely grows", () => {
    expect(
      rank([
        { name: "slow", state: "LAGGING", backlog: 120, growthPerSecond: 0.2, secondsInState: 120 },
        { name: "dead", state: "STOPPED", backlog: 3000, growthPerSecond: 0, secondsInState: 120 },
      ]),
    ).toEqual(["dead", "slow"]);
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

describe("a broker restart", () => {
  it("draws no inflow spike when a restarted RabbitMQ lists a queue before its counts come back", async () => {
    const { listRabbitQueues } = await import("@/lib/brokers/rabbitmq/list-rabbit-queues");
    const { derivePoint } = await import("@/lib/health/sample-point");
    const { toRaw } = await import("@/lib/health/sampler/sweep-cluster");
    // A DLQ holding 5,000 letters, nobody consuming: before the restart, just after (no counts yet), then counted again.
    const before = {
      name: "orders.dlq",
      vhost: "/",
      type: "classic",
      state: "running",
      messages_ready: 5000,
      messages_unacknowledged: 0,
      consumers: 0,
      message_stats: { publish: 0 },
    };
    const during = { name: "orders.dlq", vhost: "/", type: "classic", state: "running", consumers: 0 };
    const after = { ...before, messages_ready: 5002, message_stats: {} };
    const api = (item: object) => ({ get: async (path: string) => (path.startsWith("/api/queues") ? { items: [item], page: 1, page_count: 1 } : []) }) as never;
    const T0 = Date.parse("2026-12-06T09:00:00Z");
    const points: ReturnType<typeof derivePoint>[] = [];
    for (const [i, item] of [before, before, during, after, after].entries()) {
      const at = new Date(T0 + i * 10_000);
      const [reading] = (await listRabbitQueues(api(item), ["/"], at)).readings;
      points.push(derivePoint(points[points.length - 1], toRaw(reading!, at.getTime())));
    }
    const inflow = points.map((p) => p.inflowRate);
    // Never the 5,000 letters "arriving" in 10 s that reading the gap as zero would draw.
    expect(inflow.every((r) => r === null || r < 1)).toBe(true);
    expect(inflow[4]).toBe(0);
  });
});
