import { describe, expect, it } from "vitest";
import { letterFromAdvisory, natsDedupeKey, TERMINATED_TYPE, type Advisory } from "@/lib/brokers/nats/letter-from-advisory";
import { letterFromAmqp } from "@/lib/brokers/rabbitmq/letter-from-amqp";

// What recognises a dead letter captured twice, and what must not: a reused JetStream sequence, or
// identical RabbitMQ messages, are different deaths.

const ctx = { clusterId: "00000000-0000-0000-0000-000000000001", clusterName: "c" };
const advisory = (id: string): Advisory => ({ type: TERMINATED_TYPE, id, timestamp: "2026-12-06T10:00:00Z", stream: "S", consumer: "worker", stream_seq: 1, deliveries: 1 });

describe("dead-letter keys", () => {
  it("NATS: one key per advisory id, whatever the stream sequence", () => {
    expect(natsDedupeKey(advisory("a1"), "terminated")).toBe("nats:adv:S:worker:a1");
    // The same sequence after the stream or durable was made again: another death, another key.
    expect(natsDedupeKey(advisory("a2"), "terminated")).not.toBe(natsDedupeKey(advisory("a1"), "terminated"));
    // The same advisory delivered again: the same key.
    const l = letterFromAdvisory(advisory("a1"), null, { ...ctx, captureStream: "CAP", retention: "limits" });
    expect(l.dedupeKey).toBe(natsDedupeKey(advisory("a1"), "terminated"));
  });

  it("NATS: a stream made again after the death says why the payload is not the original", () => {
    const l = letterFromAdvisory(advisory("a1"), null, { ...ctx, captureStream: "CAP", retention: "limits", recreated: true });
    expect(l.payloadMissing).toMatch(/^Stream S was deleted and made again after this message died/);
  });

  it("RabbitMQ: identical first deliveries get keys of their own; every delivery carries the content key", () => {
    const msg = { content: new TextEncoder().encode("same"), properties: { messageId: "m", headers: { "x-death": [{ count: 1, reason: "rejected", queue: "work", exchange: "", "routing-keys": ["work"], time: { "!": "timestamp", value: 1_700_000_000 } }] } } };
    const where = { ...ctx, vhost: "/", dlq: "work.dlq" };
    const a = letterFromAmqp({ ...msg, redelivered: false }, where);
    const b = letterFromAmqp({ ...msg, redelivered: false }, where);
    const again = letterFromAmqp({ ...msg, redelivered: true }, where);
    expect(a.dedupeKey).not.toBe(b.dedupeKey);
    expect(a.contentKey).toBe(b.contentKey);
    expect(again.contentKey).toBe(a.contentKey);
    expect([a.redelivered, again.redelivered]).toEqual([false, true]);
  });
});
