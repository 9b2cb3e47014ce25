import type { Channel } from "amqplib";
import type { RabbitNames } from "./names";

/**
 * The demo's RabbitMQ topology. Declared idempotently: the same arguments on every run, and
 * nothing is ever deleted, so a second run (or a run after a crash) reuses what is there.
 */

export const REMINDER_TTL_MS = 4000;
export const PAYMENTS_DELIVERY_LIMIT = 3;
export const SHIPMENTS_MAX_LENGTH = 50_000;

export type QueueSpec = {
  name: string;
  /** Queue arguments, exactly as declared. */
  args: Record<string, string | number>;
  /** For the start-up line, e.g. "quorum, delivery-limit 3". */
  note: string;
};

export type BindingSpec = { queue: string; exchange: string; key: string };

export type RabbitTopology = { dlx: string; queues: QueueSpec[]; bindings: BindingSpec[] };

export function rabbitTopology(n: RabbitNames): RabbitTopology {
  const dlx = { "x-dead-letter-exchange": n.dlx };
  return {
    dlx: n.dlx,
    queues: [
      { name: n.ordersDlq, args: {}, note: "dead letters of orders" },
      { name: n.paymentsDlq, args: {}, note: "dead letters of payments" },
      { name: n.remindersDlq, args: {}, note: "dead letters of reminders" },
      { name: n.orders, args: { ...dlx }, note: "classic, slow consumer rejecting ~10%" },
      {
        name: n.payments,
        args: { "x-queue-type": "quorum", "x-delivery-limit": PAYMENTS_DELIVERY_LIMIT, ...dlx },
        note: `quorum, delivery-limit ${PAYMENTS_DELIVERY_LIMIT}, flaky consumer`,
      },
      {
        name: n.reminders,
        args: { "x-message-ttl": REMINDER_TTL_MS, ...dlx },
        note: `classic, TTL ${REMINDER_TTL_MS / 1000}s, no consumer`,
      },
      {
        name: n.shipments,
        args: { "x-max-length": SHIPMENTS_MAX_LENGTH },
        note: `classic, max-length ${SHIPMENTS_MAX_LENGTH}, consumer stopped`,
      },
    ],
    // Dead-lettering keeps the routing key the message was published with: the source queue's name.
    bindings: [
      { queue: n.ordersDlq, exchange: n.dlx, key: n.orders },
      { queue: n.paymentsDlq, exchange: n.dlx, key: n.payments },
      { queue: n.remindersDlq, exchange: n.dlx, key: n.reminders },
    ],
  };
}

/** amqplib puts the AMQP reply code on the error it rejects with. */
function replyCode(e: unknown): number | undefined {
  if (e instanceof Error && "code" in e && typeof e.code === "number") return e.code;
  return undefined;
}

function declareError(what: string, vhost: string, e: unknown): Error {
  const detail = e instanceof Error ? e.message : String(e);
  if (replyCode(e) === 406) {
    return new Error(
      `RabbitMQ refused to declare ${what} in vhost "${vhost}": it already exists with different arguments ` +
        `(${detail}). Delete it, or run the demo with another --prefix.`,
      { cause: e },
    );
  }
  return new Error(`RabbitMQ could not declare ${what} in vhost "${vhost}": ${detail}`, { cause: e });
}

/**
 * Declares the exchange, queues and bindings on `ch`. Throws on the first refusal, naming the
 * object (RabbitMQ closes the channel then, so nothing after it can be declared on `ch`).
 * Returns a one-line description of what was declared.
 */
export async function declareRabbitTopology(ch: Channel, n: RabbitNames, vhost: string): Promise<string> {
  const t = rabbitTopology(n);
  try {
    await ch.assertExchange(t.dlx, "direct", { durable: true, autoDelete: false, internal: false });
  } catch (e) {
    throw declareError(`exchange "${t.dlx}"`, vhost, e);
  }
  for (const q of t.queues) {
    try {
      await ch.assertQueue(q.name, { durable: true, exclusive: false, autoDelete: false, arguments: q.args });
    } catch (e) {
      throw declareError(`queue "${q.name}"`, vhost, e);
    }
  }
  for (const b of t.bindings) {
    try {
      await ch.bindQueue(b.queue, b.exchange, b.key);
    } catch (e) {
      throw declareError(`binding ${b.exchange} -[${b.key}]-> ${b.queue}`, vhost, e);
    }
  }
  const dlqOf = new Map(t.bindings.map((b) => [b.key, b.queue]));
  const dlqs = new Set(dlqOf.values());
  const queues = t.queues
    .filter((q) => !dlqs.has(q.name))
    .map((q) => `${q.name}${dlqOf.has(q.name) ? ` → ${dlqOf.get(q.name)}` : ""} (${q.note})`);
  return `exchange ${t.dlx} (direct, dead letters); queues ${queues.join(", ")}`;
}
