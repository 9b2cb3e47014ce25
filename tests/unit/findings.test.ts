import { describe, expect, it } from "vitest";
import { carrySince, detectFindings, type DetectInput } from "@/lib/health/findings";
import { derivePoint, type RawPoint, type SamplePoint } from "@/lib/health/sample-point";

const T0 = Date.parse("2026-03-01T09:00:00Z");
const STEP = 10_000;

function record(raws: Array<Partial<RawPoint>>): SamplePoint[] {
  const out: SamplePoint[] = [];
  raws.forEach((r, i) => {
    const raw: RawPoint = {
      t: T0 + i * STEP, pending: 0, inFlight: 0, backlog: (r.pending ?? 0) + (r.inFlight ?? 0), inFlightLimit: null, consumerCount: 1,
      deliveredTotal: 0, ackedTotal: 0, publishedTotal: null, redeliveredTotal: null, counterEpoch: "e1", ...r,
    };
    out.push(derivePoint(out[out.length - 1], raw));
  });
  return out;
}

const base = (window: SamplePoint[], over: Partial<DetectInput> = {}): DetectInput => ({ kind: "nats", parent: "ORDERS", name: "billing", window, signals: null, minRunMs: STEP, ...over });
const codes = (input: DetectInput) => detectFindings(input).map((f) => f.code);

describe("silent-stuck findings", () => {
  it("ack pending pinned at its limit with no acks, since the first flat interval; clears when acks move", () => {
    const w = record([
      { inFlight: 500, inFlightLimit: 1000, ackedTotal: 10 },
      { inFlight: 1000, inFlightLimit: 1000, ackedTotal: 20 },
      { inFlight: 1000, inFlightLimit: 1000, ackedTotal: 20 },
      { inFlight: 1000, inFlightLimit: 1000, ackedTotal: 20 },
    ]);
    const [f] = detectFindings(base(w));
    expect(f).toMatchObject({ code: "ack-pending-pinned", startedAt: T0 + STEP, text: "in flight pinned at its limit (1,000 of 1,000) with no acks" });
    expect(f!.remediation).toMatch(/^nats consumer info ORDERS billing: Outstanding Acks equals Max Ack Pending/);
    expect(detectFindings(base(w, { kind: "rabbitmq", parent: "shop" }))[0]!.remediation).toMatch(/^rabbitmqctl list_channels -p shop /);
    expect(codes(base(record([{ inFlight: 1000, inFlightLimit: 1000, ackedTotal: 20 }, { inFlight: 1000, inFlightLimit: 1000, ackedTotal: 21 }])))).toEqual([]);
    // One flat reading is not yet a finding.
    expect(codes(base(w.slice(0, 2)))).toEqual([]);
  });

  it("redeliveries climbing while no new message is delivered", () => {
    const w = record([
      { pending: 0, inFlight: 5, deliveredTotal: 5, publishedTotal: 5, redeliveredTotal: 0 },
      { pending: 0, inFlight: 5, deliveredTotal: 15, publishedTotal: 5, redeliveredTotal: 10 },
      { pending: 0, inFlight: 5, deliveredTotal: 25, publishedTotal: 5, redeliveredTotal: 20 },
    ]);
    expect(detectFindings(base(w, { kind: "rabbitmq", parent: "shop" }))[0]).toMatchObject({ code: "redelivery-loop", text: "redeliveries climbing (1.0/s) while no new message is delivered" });
    // New messages delivered alongside: not a loop.
    const busy = record([
      { pending: 10, deliveredTotal: 0, redeliveredTotal: 0 },
      { pending: 10, deliveredTotal: 20, redeliveredTotal: 5 },
      { pending: 10, deliveredTotal: 40, redeliveredTotal: 10 },
    ]);
    expect(codes(base(busy, { kind: "rabbitmq" }))).toEqual([]);
  });

  it("pull requests waiting while pending messages are not delivered", () => {
    const w = record([
      { pending: 50, deliveredTotal: 7, inFlightLimit: 1000 },
      { pending: 50, deliveredTotal: 7, inFlightLimit: 1000 },
    ]);
    expect(detectFindings(base(w, { signals: { numWaiting: 3, pushBound: null, unboundedConsumers: null } }))[0]).toMatchObject({
      code: "pulls-unserved",
      text: "3 pull requests waiting while 50 pending messages are not delivered",
    });
    expect(codes(base(w, { signals: { numWaiting: 0, pushBound: null, unboundedConsumers: null } }))).toEqual([]);
  });

  it("push consumer bound to nobody; RabbitMQ consumers with prefetch 0", () => {
    const w = record([{}]);
    expect(detectFindings(base(w, { signals: { numWaiting: null, pushBound: false, unboundedConsumers: null }, deliverSubject: "deliver.billing" }))[0]).toMatchObject({
      code: "push-unbound",
      text: "push consumer bound to nobody (no subscriber on deliver.billing)",
    });
    expect(codes(base(w, { signals: { numWaiting: null, pushBound: true, unboundedConsumers: null } }))).toEqual([]);
    const [p] = detectFindings(base(w, { kind: "rabbitmq", parent: "shop", signals: { numWaiting: null, pushBound: null, unboundedConsumers: 2 } }));
    expect(p).toMatchObject({ code: "prefetch-unbounded", text: "2 consumers with prefetch 0 (unbounded): the broker pushes it every message it has" });
    expect(p!.remediation).toMatch(/^rabbitmqctl list_consumers -p shop:/);
  });

  it("a single active consumer that completes nothing while others wait", () => {
    const w = record([
      { pending: 10, inFlight: 1, ackedTotal: 4 },
      { pending: 10, inFlight: 1, ackedTotal: 4 },
    ]);
    const signals = { numWaiting: null, pushBound: null, unboundedConsumers: 0, waitingConsumers: 2 };
    expect(detectFindings(base(w, { kind: "rabbitmq", parent: "shop", signals }))[0]).toMatchObject({
      code: "single-active-stuck",
      text: "single active consumer completes nothing while 2 consumers wait behind it",
    });
    expect(codes(base(record([{ pending: 10, ackedTotal: 4 }, { pending: 10, ackedTotal: 9 }]), { kind: "rabbitmq", signals }))).toEqual([]);
  });

  it("messages redelivered toward max_deliver while nothing captures the advisories", () => {
    const w = record([{ pending: 0, inFlight: 2 }]);
    const input = base(w, { maxDeliver: 5, redeliveredNow: 2, captureMissing: "Redrive's dead-letter capture is switched off for this cluster" });
    expect(detectFindings(input)[0]).toMatchObject({
      code: "max-deliver-uncaptured",
      text: "2 redelivered toward max_deliver 5, and Redrive's dead-letter capture is switched off for this cluster: messages that reach it leave no dead letter",
    });
    expect(codes({ ...input, captureMissing: null })).toEqual([]);
    expect(codes({ ...input, maxDeliver: -1 })).toEqual([]);
    expect(codes({ ...input, redeliveredNow: 0 })).toEqual([]);
  });

  it("keep their first since across sweeps, and start again after clearing", () => {
    const f = { code: "push-unbound" as const, text: "t", remediation: "r" };
    const first = carrySince([{ ...f, startedAt: T0 + 5 * STEP }], new Map([["push-unbound", T0]]));
    expect(first[0]!.since).toBe(new Date(T0).toISOString());
    expect(carrySince([{ ...f, startedAt: T0 + 5 * STEP }], new Map())[0]!.since).toBe(new Date(T0 + 5 * STEP).toISOString());
  });
});
