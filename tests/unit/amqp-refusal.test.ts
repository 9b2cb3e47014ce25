import { describe, expect, it } from "vitest";
import { amqpRefusal } from "@/lib/brokers/rabbitmq/rabbitmq-broker";

describe("why an AMQP open failed", () => {
  it("reads the broker's own refusals by their reply code and name", () => {
    expect(amqpRefusal('Handshake terminated by server: 403 (ACCESS-REFUSED) with message "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN."')).toBe("credentials");
    expect(amqpRefusal('Handshake terminated by server: 530 (NOT-ALLOWED) with message "NOT_ALLOWED - vhost orders not found"')).toBe("not-allowed");
  });

  it("does not take a port that holds 403 or 530 for a refusal", () => {
    expect(amqpRefusal("connect ECONNREFUSED 127.0.0.1:40305")).toBeNull();
    expect(amqpRefusal("connect ECONNREFUSED 127.0.0.1:53012")).toBeNull();
    expect(amqpRefusal("connect ETIMEDOUT 10.0.0.7:403")).toBeNull();
    expect(amqpRefusal("Socket closed abruptly during opening handshake")).toBeNull();
  });
});
