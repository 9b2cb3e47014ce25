import { describe, expect, it } from "vitest";
import { natsSubjectProblem, rabbitDestinationProblem } from "@/lib/brokers/destination-rules";

describe("where a requeue may never go", () => {
  it("refuses every NATS subject the server keeps for itself, reply inboxes, wildcards, empty tokens and whitespace", () => {
    const refused: Array<[string, RegExp]> = [
      ["$JS.API.STREAM.DELETE.ORDERS", /reserved/],
      ["$JS.API.STREAM.PURGE.ORDERS", /reserved/],
      ["$JS.API.CONSUMER.CREATE.ORDERS", /reserved/],
      ["$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.S.C", /reserved/],
      ["$JSC.R.x", /reserved/],
      ["$NRG.AE.x", /reserved/],
      ["$SYS.REQ.SERVER.PING", /reserved/],
      ["$KV.bucket.key", /reserved/],
      ["$O.store.x", /reserved/],
      ["$G", /reserved/],
      ["$js.api.stream.delete.x", /reserved/],
      ["_INBOX.abc.def", /reply inbox/],
      ["_inbox.abc", /reply inbox/],
      ["_INBOX", /reply inbox/],
      ["orders.*", /wildcard/],
      ["orders.>", /wildcard/],
      [">", /wildcard/],
      ["orders..created", /empty token/],
      [".orders", /empty token/],
      ["orders.", /empty token/],
      ["orders created", /whitespace/],
      ["orders\tcreated", /whitespace/],
      ["orders\u0000", /whitespace or control/],
      ["orders\r\nPUB x 1", /whitespace/],
      ["", /empty/],
    ];
    for (const [subject, why] of refused) expect(natsSubjectProblem(subject), subject).toMatch(why);
    for (const ok of ["orders.created", "hostile.ünïcødé.✉.1", "a", "x-y_z.1$", "INBOX.x", "orders_INBOX.x"]) expect(natsSubjectProblem(ok), ok).toBeNull();
  });

  it("refuses RabbitMQ destinations with no queue, reserved amq. queues and vhosts the cluster does not watch", () => {
    expect(rabbitDestinationProblem("orders/", [])).toMatch(/names no queue/);
    expect(rabbitDestinationProblem("/orders", [])).toMatch(/names no vhost/);
    expect(rabbitDestinationProblem("//amq.rabbitmq.reply-to", [])).toMatch(/reserved/);
    expect(rabbitDestinationProblem("orders/amq.gen-abc", [])).toMatch(/reserved/);
    expect(rabbitDestinationProblem("other/jobs", ["orders", "billing"])).toMatch(/vhost "other" is not one this cluster watches \("orders", "billing"\)/);
    expect(rabbitDestinationProblem("orders/a\u0000b", [])).toMatch(/control characters/);
    expect(rabbitDestinationProblem(`orders/${"q".repeat(256)}`, [])).toMatch(/255 bytes/);
    expect(rabbitDestinationProblem("orders/jobs.retry", ["orders"])).toBeNull();
    expect(rabbitDestinationProblem("//orders", [])).toBeNull();
    expect(rabbitDestinationProblem('fault/död 💀 <b>dlq</b> "q"', [])).toBeNull();
  });
});
