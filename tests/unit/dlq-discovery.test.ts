import { describe, expect, it } from "vitest";
import type { ManagementClient } from "@/lib/brokers/rabbitmq/management-client";
import { AppError } from "@/lib/errors";
import { discoverDlqs, type QueueFacts } from "@/lib/brokers/rabbitmq/discover-dlqs";
import { splitQueueId, queueId } from "@/lib/brokers/rabbitmq/queue-id";
import { topicMatches } from "@/lib/brokers/rabbitmq/topic-match";

type Ex = { type: string; arguments?: Record<string, unknown>; bindings: Array<{ destination: string; destination_type: "queue" | "exchange"; routing_key: string }> };

/** A management API that knows only these exchanges (pure logic under test: the walk, not HTTP). */
function fakeApi(exchanges: Record<string, Ex>): ManagementClient {
  return {
    async get<T>(path: string): Promise<T> {
      const m = /^\/api\/exchanges\/([^/]+)\/([^/]+)(\/bindings\/source)?$/.exec(path);
      const ex = m ? exchanges[decodeURIComponent(m[2]!)] : undefined;
      if (!m || !ex) throw new AppError("BROKER_REFUSED", "not found", { details: { status: 404, error: "Object Not Found" } });
      return (m[3] ? ex.bindings : { name: decodeURIComponent(m[2]!), type: ex.type, arguments: ex.arguments }) as T;
    },
  } as unknown as ManagementClient;
}

const q = (name: string, args: Record<string, unknown> = {}, policy: Record<string, unknown> = {}): QueueFacts => ({ vhost: "/", name, messages: 3, arguments: args, policy });

describe("topicMatches", () => {
  it("follows AMQP topic rules", () => {
    expect(topicMatches("orders.*", "orders.created")).toBe(true);
    expect(topicMatches("orders.*", "orders.created.eu")).toBe(false);
    expect(topicMatches("orders.#", "orders")).toBe(true);
    expect(topicMatches("#.eu", "orders.created.eu")).toBe(true);
    expect(topicMatches("#", "")).toBe(true);
    expect(topicMatches("a.*.c", "a.b.d")).toBe(false);
  });
});

describe("queue ids", () => {
  it("round-trip, the default vhost included", () => {
    for (const [vhost, queue] of [["/", "orders.dlq"], ["prod", "a/b"], ["/", "/odd"]] as const) expect(splitQueueId(queueId(vhost, queue))).toEqual({ vhost, queue });
  });
});

describe("discoverDlqs", () => {
  it("follows a direct DLX by the source queue's name when no dead-letter routing key is set", async () => {
    const api = fakeApi({ dlx: { type: "direct", bindings: ["orders", "payments"].map((k) => ({ destination: `${k}.dlq`, destination_type: "queue" as const, routing_key: k })) } });
    const r = await discoverDlqs(api, [q("orders", { "x-dead-letter-exchange": "dlx" }), q("payments", {}, { "dead-letter-exchange": "dlx" }), q("orders.dlq"), q("payments.dlq")]);
    expect(r.dlqs.map((d) => [d.queue, d.sources])).toEqual([
      ["orders.dlq", ["orders"]],
      ["payments.dlq", ["payments"]],
    ]);
    expect(r.problems).toEqual([]);
  });

  it("walks exchange-to-exchange bindings, topic patterns, fanouts and alternate exchanges", async () => {
    const api = fakeApi({
      dlx: { type: "topic", arguments: { "alternate-exchange": "ae" }, bindings: [{ destination: "fan", destination_type: "exchange", routing_key: "dead.#" }] },
      fan: { type: "fanout", bindings: [{ destination: "all.dlq", destination_type: "queue", routing_key: "" }, { destination: "audit.dlq", destination_type: "queue", routing_key: "" }] },
      ae: { type: "fanout", bindings: [{ destination: "unrouted.dlq", destination_type: "queue", routing_key: "" }] },
    });
    const r = await discoverDlqs(api, [q("work", { "x-dead-letter-exchange": "dlx", "x-dead-letter-routing-key": "dead.work" })]);
    expect(r.dlqs.map((d) => d.queue).sort()).toEqual(["all.dlq", "audit.dlq", "unrouted.dlq"]);
  });

  it("reports sources whose dead letters are dropped, and the argument winning over the policy", async () => {
    const api = fakeApi({ dlx: { type: "direct", bindings: [{ destination: "x.dlq", destination_type: "queue", routing_key: "x" }] } });
    const r = await discoverDlqs(api, [
      q("a", { "x-dead-letter-exchange": "gone" }, { "dead-letter-exchange": "dlx" }),
      q("b", { "x-dead-letter-exchange": "dlx", "x-dead-letter-routing-key": "nope" }),
      q("c", { "x-dead-letter-exchange": "", "x-dead-letter-routing-key": "missing-queue" }),
    ]);
    expect(r.dlqs).toEqual([]);
    expect(r.problems.map((p) => p.source)).toEqual(["//a", "//b", "//c"]);
    expect(r.problems[0]!.problem).toContain('"gone" does not exist');
    expect(r.problems[1]!.problem).toContain('routes key "nope" to no queue');
    expect(r.problems[2]!.problem).toContain('queue "missing-queue"');
  });
});
