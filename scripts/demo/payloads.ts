import { randomBytes, randomUUID } from "node:crypto";

/**
 * Demo message bodies: mostly JSON, some plain text, some binary (with bytes that are not valid
 * UTF-8), so the console's message viewers have every kind to render.
 */

export type ContentType = "application/json" | "text/plain" | "application/octet-stream";

export type PayloadKind = "order" | "payment" | "reminder" | "shipment" | "event";

export type DemoPayload = {
  messageId: string;
  /** A subject/routing suffix such as "created" (NATS subjects are `<root>.<topic>`). */
  topic: string;
  contentType: ContentType;
  body: Buffer;
  /** Application headers (the transports add their own). */
  headers: Record<string, string>;
};

const TENANTS = ["acme", "globex", "initech", "umbrella", "hooli"] as const;
const CURRENCIES = ["EUR", "USD", "GBP"] as const;
const TOPICS: Record<PayloadKind, readonly string[]> = {
  order: ["created", "updated", "cancelled"],
  payment: ["authorised", "captured", "refunded"],
  reminder: ["due", "overdue"],
  shipment: ["packed", "dispatched", "delivered"],
  event: ["page_view", "click", "signup", "search"],
};

function pick<T>(items: readonly T[], rng: () => number): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error("pick() from an empty list");
  return item;
}

function jsonBody(kind: PayloadKind, topic: string, seq: number, tenant: string, rng: () => number): unknown {
  const base = { seq, tenant, at: new Date().toISOString() };
  switch (kind) {
    case "order":
      return {
        ...base,
        orderId: `ord-${seq}`,
        status: topic,
        lines: Array.from({ length: 1 + Math.floor(rng() * 3) }, (_, i) => ({ sku: `SKU-${100 + i}`, qty: 1 + Math.floor(rng() * 4) })),
      };
    case "payment":
      return { ...base, paymentId: `pay-${seq}`, amount: Math.round(rng() * 50000) / 100, currency: pick(CURRENCIES, rng), state: topic };
    case "reminder":
      return { ...base, reminderId: `rem-${seq}`, channel: rng() < 0.5 ? "email" : "sms", kind: topic };
    case "shipment":
      return { ...base, shipmentId: `shp-${seq}`, carrier: rng() < 0.5 ? "dhl" : "ups", status: topic };
    case "event":
      return { ...base, type: topic, session: randomUUID().slice(0, 8), path: `/p/${Math.floor(rng() * 20)}` };
  }
}

/** A few random bytes with an invalid UTF-8 sequence in the middle. */
function binaryBody(seq: number): Buffer {
  const head = Buffer.from([0x52, 0x44, 0x00, seq & 0xff]);
  return Buffer.concat([head, randomBytes(6), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), randomBytes(4)]);
}

/** Builds the next payload of a kind: ~70% JSON, ~20% text, ~10% binary. */
export function makePayload(kind: PayloadKind, seq: number, rng: () => number = Math.random): DemoPayload {
  const tenant = pick(TENANTS, rng);
  const topic = pick(TOPICS[kind], rng);
  const messageId = `${kind}-${randomUUID()}`;
  const headers: Record<string, string> = { "x-tenant": tenant, "x-source": "redrive-demo", "x-kind": kind };
  const r = rng();
  if (r < 0.7) {
    headers["x-schema"] = `${kind}.v1`;
    const body = Buffer.from(JSON.stringify(jsonBody(kind, topic, seq, tenant, rng)));
    return { messageId, topic, contentType: "application/json", body, headers };
  }
  if (r < 0.9) {
    const body = Buffer.from(`${kind} ${topic} #${seq} for ${tenant} at ${new Date().toISOString()}`);
    return { messageId, topic, contentType: "text/plain", body, headers };
  }
  headers["x-encoding"] = "raw";
  return { messageId, topic, contentType: "application/octet-stream", body: binaryBody(seq), headers };
}

/**
 * A stable number in [0, 1) derived from a message id (FNV-1a), so a worker can decide a
 * message's fate the same way on every redelivery ("poison" messages fail every time).
 */
export function fateOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h / 0x1_0000_0000;
}
