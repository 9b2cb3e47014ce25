import { describe, expect, it } from "vitest";
import { bouncedFrom } from "@/lib/brokers/bounce-lineage";
import { letterFromAdvisory, MAX_DELIVER_TYPE } from "@/lib/brokers/nats/letter-from-advisory";
import { letterFromAmqp } from "@/lib/brokers/rabbitmq/letter-from-amqp";

const JOB = "0ddece05-1111-4222-8333-444455556666";
const LETTER = "a1b2c3d4-0000-4000-8000-000000000007";

describe("bounce lineage from a requeue's attempt id", () => {
  it("reads the job and letter, and nothing else", () => {
    expect(bouncedFrom(`redrive:${JOB}:${LETTER}`)).toEqual({ jobId: JOB, letterId: LETTER });
    expect(bouncedFrom(`redrive:${JOB.toUpperCase()}:${LETTER}`)).toEqual({ jobId: JOB, letterId: LETTER });
    for (const v of [
      undefined,
      null,
      7,
      "",
      "order-7",
      `redrive:${JOB}`,
      `redrive:${JOB}:not-a-uuid`,
      `xredrive:${JOB}:${LETTER}`,
      `redrive:${JOB}:${LETTER}:x`,
    ])
      expect(bouncedFrom(v)).toBeNull();
  });

  it("is on the letter a RabbitMQ DLQ message or a JetStream advisory becomes", () => {
    const amqp = letterFromAmqp(
      { content: new Uint8Array([1]), properties: { headers: { "x-redrive-op": `redrive:${JOB}:${LETTER}` } } },
      { clusterId: "c", clusterName: "rmq", vhost: "/", dlq: "orders.dlq" },
    );
    expect(amqp.bouncedFrom).toEqual({ jobId: JOB, letterId: LETTER });
    expect(
      letterFromAmqp({ content: new Uint8Array([1]), properties: { headers: {} } }, { clusterId: "c", clusterName: "rmq", vhost: "/", dlq: "orders.dlq" })
        .bouncedFrom,
    ).toBeNull();

    const header = new Map([["Nats-Msg-Id", [`redrive:${JOB}:${LETTER}`]]]);
    const original = {
      subject: "orders.created",
      seq: 5,
      data: new Uint8Array([1]),
      time: new Date(),
      timestamp: "",
      header: { get: (k: string) => header.get(k)?.[0] ?? "", [Symbol.iterator]: () => header[Symbol.iterator]() },
    };
    const advisory = {
      type: MAX_DELIVER_TYPE,
      id: "adv1",
      timestamp: "2026-12-06T10:00:00Z",
      stream: "ORDERS",
      consumer: "worker",
      stream_seq: 5,
      deliveries: 3,
    };
    const nats = letterFromAdvisory(advisory, original as never, {
      clusterId: "c",
      clusterName: "nats",
      captureStream: "REDRIVE_DLQ_EVENTS",
      retention: "limits",
    });
    expect(nats.bouncedFrom).toEqual({ jobId: JOB, letterId: LETTER });
  });
});
