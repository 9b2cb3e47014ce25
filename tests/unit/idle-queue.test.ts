import { describe, expect, it } from "vitest";
import { listRabbitQueues } from "@/lib/brokers/rabbitmq/list-rabbit-queues";
import type { ManagementClient } from "@/lib/brokers/rabbitmq/management-client";
import type { ConsumerReading } from "@/lib/brokers/types";
import { DEFAULT_THRESHOLDS } from "@/lib/config";
import { evaluateHealth, type Verdict } from "@/lib/health/evaluate-health";
import { derivePoint, type SamplePoint } from "@/lib/health/sample-point";
import { toRaw } from "@/lib/health/sampler/sweep-cluster";
import type { HealthState } from "@/lib/health/types";

// A recorded RabbitMQ 3.10 idle classic queue: 40 messages, no consumer, no traffic, every counter
// still — and idle_since moving forward every 2 minutes, as the broker does by itself.

const T0 = Date.parse("2026-12-06T09:00:00Z");
const STEP = 10_000;
// The form the local 3.10.8 sends: "2026-12-06T12:16:53.359+00:00".
const rabbitTime = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");

/** The management API's answer at `ms`: what a real 3.10 broker sent for such a queue, idle_since refreshed. */
function managementAt(ms: number): ManagementClient {
  const refreshed = T0 - 30_000 + Math.floor((ms - T0 + 30_000) / 120_000) * 120_000;
  const queue = {
    name: "orders",
    vhost: "shop",
    type: "classic",
    state: "running",
    messages_ready: 40,
    messages_unacknowledged: 0,
    consumers: 0,
    message_stats: { publish: 40, ack: 0, deliver_get: 0, deliver_no_ack: 0, get_no_ack: 0, redeliver: 0 },
    idle_since: rabbitTime(refreshed),
    arguments: {},
    policy: null,
    effective_policy_definition: [],
  };
  const api = {
    get: async (path: string) => (path.startsWith("/api/queues") ? { items: [queue], page: 1, page_count: 1 } : []),
  };
  return api as unknown as ManagementClient;
}

/** Samples every 10 s for `minutes`, as the sampler does: reading, rates from deltas, verdict, state kept since. */
async function sample(minutes: number, read: (ms: number) => Promise<ConsumerReading>): Promise<Array<{ t: number; idleSince: number | null; verdict: Verdict; since: number }>> {
  const window: SamplePoint[] = [];
  let held = null as { state: HealthState; since: number } | null;
  const out = [];
  for (let t = T0; t <= T0 + minutes * 60_000; t += STEP) {
    const r = await read(t);
    const point = derivePoint(window[window.length - 1], toRaw(r, t));
    window.push(point);
    const verdict = evaluateHealth(window, { now: t, intervalMs: STEP, thresholds: DEFAULT_THRESHOLDS, reachable: true, held });
    if (held?.state !== verdict.state) held = { state: verdict.state, since: t };
    out.push({ t, idleSince: r.lastActivityAt?.getTime() ?? null, verdict, since: held.since });
  }
  return out;
}

describe("an idle RabbitMQ queue whose idle_since the broker refreshes", () => {
  it("stays STOPPED for 15 minutes, one state from one start, and says for how long", async () => {
    const seen = await sample(15, async (ms) => (await listRabbitQueues(managementAt(ms), ["shop"], new Date(ms))).readings[0]!);
    expect(seen).toHaveLength(91);
    expect(seen.filter((s) => s.verdict.state !== "STOPPED").map((s) => `${(s.t - T0) / 1000}s ${s.verdict.state}`)).toEqual([]);
    expect(new Set(seen.map((s) => s.since))).toEqual(new Set([T0]));
    // The broker's refreshed timestamp is not passed on as activity.
    expect(seen.every((s) => s.idleSince === null)).toBe(true);
    expect(seen[seen.length - 1]!.verdict.reason).toBe("backlog 40 and no consumer for 15 min");
  });

  it("counts a consumer's work as evidence: deliveries since the last reading keep a queue with no listed consumer from STOPPED", () => {
    const raw = (i: number, delivered: number) => ({ t: T0 + i * STEP, pending: 10, inFlight: 0, backlog: 10, inFlightLimit: null, consumerCount: 0, deliveredTotal: delivered, ackedTotal: delivered, publishedTotal: null, redeliveredTotal: null, counterEpoch: null });
    const a = derivePoint(undefined, raw(0, 100));
    const b = derivePoint(a, raw(1, 180));
    expect(evaluateHealth([a, b], { now: b.t, intervalMs: STEP, thresholds: DEFAULT_THRESHOLDS, reachable: true }).state).not.toBe("STOPPED");
    const c = derivePoint(b, raw(2, 180));
    expect(evaluateHealth([a, b, c], { now: c.t, intervalMs: STEP, thresholds: DEFAULT_THRESHOLDS, reachable: true }).state).toBe("STOPPED");
  });
});
