import { describe, expect, it } from "vitest";
import { dlqDisplayName, payloadPreview, sourceDisplayName } from "@/components/dead-letters/format";
import { rateMatters } from "@/components/jobs/rate-matters";

describe("queue names", () => {
  it("reads a queue on RabbitMQ's default vhost without the double slash, and keeps other vhosts", () => {
    expect(dlqDisplayName("rabbitmq", "//orders.dlq")).toBe("orders.dlq");
    expect(dlqDisplayName("rabbitmq", "shop/orders.dlq")).toBe("shop/orders.dlq");
    expect(dlqDisplayName("nats", "REDRIVE_DLQ_EVENTS")).toBe("REDRIVE_DLQ_EVENTS");
    expect(sourceDisplayName("//orders")).toBe("orders");
    expect(sourceDisplayName("ORDERS/fulfilment")).toBe("ORDERS/fulfilment");
  });
});

describe("payload previews", () => {
  it("shows a binary payload as its size and first bytes, not replacement characters", () => {
    // What the store's lenient UTF-8 decoding makes of a PNG header: U+FFFD where bytes are not UTF-8.
    const decoded = new TextDecoder("utf-8").decode(
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0]),
    );
    expect(payloadPreview(decoded, "89504e470d0a1a0a0000000d49484452", 18)).toBe("binary, 18 B · 89 50 4e 47 0d 0a 1a 0a 00 00 00 0d 49 48 44 52 …");
  });

  it("leaves text as text", () => {
    expect(payloadPreview('{"orderId": 7,\n "amount": 12}', "7b226f72646572", 29)).toBe('{"orderId": 7, "amount": 12}');
    expect(payloadPreview("Grüße aus Köln", "", 16)).toBe("Grüße aus Köln");
  });

  it("calls mostly-control bytes binary even when they are valid UTF-8", () => {
    expect(payloadPreview("\u0001\u0002\u0003\u0004ab", "010203046162", 6)).toBe("binary, 6 B · 01 02 03 04 61 62");
  });
});

describe("jobs", () => {
  it("shows a rate only for jobs of more than one letter", () => {
    expect(rateMatters({ total: 1 })).toBe(false);
    expect(rateMatters({ total: 96 })).toBe(true);
  });
});

describe("job descriptions", () => {
  it("read queues on vhost / without the double slash, and leave URLs and other slashes alone", async () => {
    const { withoutDefaultVhost } = await import("@/components/dead-letters/format");
    expect(withoutDefaultVhost("requeue 1 letter (//orders · rejected) to where they came from")).toBe(
      "requeue 1 letter (orders · rejected) to where they came from",
    );
    expect(withoutDefaultVhost("terminate 2 letters from //a, //b")).toBe("terminate 2 letters from a, b");
    expect(withoutDefaultVhost("requeue to shop/orders via https://x.example/y")).toBe("requeue to shop/orders via https://x.example/y");
  });
});
