import { describe, expect, it } from "vitest";
import { parseNatsTime } from "@/lib/brokers/nats/oldest-message-times";
import { oldestAge } from "@/lib/brokers/rabbitmq/list-rabbit-queues";
import { describeOldestAge, resolveOldestAge, withOldestAge } from "@/lib/health/oldest-age";
import type { SamplePoint } from "@/lib/health/sample-point";

const T0 = Date.parse("2026-03-01T09:00:00Z");

function point(i: number, ackRate: number | null, backlog = 100): SamplePoint {
  return {
    t: T0 + i * 10_000, pending: backlog, inFlight: 0, backlog, inFlightLimit: null, consumerCount: 1, deliveredTotal: 0, ackedTotal: 0,
    publishedTotal: null, redeliveredTotal: null, counterEpoch: null, ackRate, deliverRate: null, inflowRate: null, redeliverRate: null,
  };
}

describe("time lag: the oldest waiting message's age", () => {
  it("takes the broker's figure when it gives one", () => {
    expect(resolveOldestAge({ backlog: 5, measured: 840, note: null, window: [], now: T0, windowSeconds: 300 })).toEqual({ seconds: 840, estimated: false, note: null });
  });

  it("is nothing when nothing waits", () => {
    expect(resolveOldestAge({ backlog: 0, measured: null, note: "quorum", window: [], now: T0, windowSeconds: 300 })).toEqual({ seconds: null, estimated: false, note: null });
  });

  it("estimates backlog ÷ the window's mean ack rate where the broker does not tell, and says why", () => {
    const window = [point(0, null), point(1, 2), point(2, 4)];
    const r = resolveOldestAge({ backlog: 1200, measured: null, note: "no timestamp", window, now: T0 + 20_000, windowSeconds: 300 });
    expect(r).toEqual({ seconds: 400, estimated: true, note: "no timestamp" });
    expect(describeOldestAge(r)).toBe("~7 min (estimate)");
  });

  it("gives no estimate without acks, and says so", () => {
    const r = resolveOldestAge({ backlog: 1200, measured: null, note: "no timestamp", window: [point(0, null), point(1, 0)], now: T0 + 10_000, windowSeconds: 300 });
    expect(r.seconds).toBeNull();
    expect(r.note).toBe("no timestamp; no acks in the window to estimate it from");
  });

  it("puts the age into the health reason after the backlog", () => {
    expect(withOldestAge("backlog 1,204, draining 3.0/s", { seconds: 840, estimated: false })).toBe("backlog 1,204, oldest waiting 14 min, draining 3.0/s");
    expect(withOldestAge("backlog 1,204 and no consumer for 5 min", { seconds: 840, estimated: false })).toBe("backlog 1,204, oldest waiting 14 min and no consumer for 5 min");
    expect(withOldestAge("no acks for 3 min with 10 in flight", { seconds: 60, estimated: false })).toBe("no acks for 3 min with 10 in flight; oldest waiting 60 s");
    // An estimate is labelled where it is shown, never stated in the reason alerts quote.
    expect(withOldestAge("backlog 1,204, steady", { seconds: 90, estimated: true })).toBe("backlog 1,204, steady");
    expect(withOldestAge("backlog empty", { seconds: null, estimated: false })).toBe("backlog empty");
  });
});

describe("RabbitMQ head_message_timestamp", () => {
  const now = new Date(T0);
  it("ages the head message from its AMQP timestamp (seconds)", () => {
    expect(oldestAge({ type: "classic", messages_ready: 3, messages_unacknowledged: 0, head_message_timestamp: T0 / 1000 - 125 }, now)).toEqual({ seconds: 125, note: null });
  });
  it("says why it is unknown: quorum queue, no timestamp, or everything in flight", () => {
    expect(oldestAge({ type: "quorum", messages_ready: 3, head_message_timestamp: undefined }, now).note).toMatch(/classic queues only; this is a quorum queue/);
    expect(oldestAge({ type: "classic", messages_ready: 3, head_message_timestamp: "" }, now).note).toMatch(/carries no AMQP timestamp/);
    expect(oldestAge({ type: "classic", messages_ready: 0, messages_unacknowledged: 4 }, now).note).toMatch(/in flight/);
    expect(oldestAge({ type: "classic", messages_ready: 0, messages_unacknowledged: 0 }, now)).toEqual({ seconds: null, note: null });
  });
});

describe("JetStream message times", () => {
  it("keep milliseconds of a nanosecond timestamp", () => {
    expect(parseNatsTime("2026-12-06T12:00:02.123456789Z")).toBe(Date.parse("2026-12-06T12:00:02.123Z"));
    expect(parseNatsTime("2026-12-06T12:00:02Z")).toBe(Date.parse("2026-12-06T12:00:02Z"));
    expect(parseNatsTime("nonsense")).toBeNull();
  });
});
