/**
 * Every name the demo creates, derived from one prefix P (default "", see `--prefix`).
 *
 * RabbitMQ (vhost "/" or the cluster's first listed vhost):
 *   exchange  `${P}demo.dlx`              direct, the dead-letter exchange
 *   queues    `${P}orders`    `${P}orders.dlq`
 *             `${P}payments`  `${P}payments.dlq`
 *             `${P}reminders` `${P}reminders.dlq`
 *             `${P}shipments`
 *   Producers publish through the default exchange with routing key = queue name, and
 *   dead-lettering keeps that routing key, so each DLQ is bound to the DLX with the source
 *   queue's full name as key (`${P}orders` → `${P}orders.dlq`).
 *
 * NATS JetStream:
 *   streams   `${S}ORDERS`, `${S}EVENTS` where S is P upper-cased with every character outside
 *             [A-Z0-9_] replaced by "_" (stream names may not hold ".", spaces or wildcards),
 *             e.g. P = "t1a2b-" gives `T1A2B_ORDERS`.
 *   subjects  `${P}orders.>` and `${P}events.>` (e.g. `t1a2b-orders.created`).
 *   consumers `fulfilment` on ORDERS, `analytics` and `archiver` on EVENTS: not prefixed,
 *             consumer names are scoped to their stream.
 *
 * A prefix is empty or 1–40 characters of letters, digits, "_" and "-", starting with a letter or
 * digit, so it is valid in all of the above.
 */

export const PREFIX_PATTERN = /^(?:[A-Za-z0-9][A-Za-z0-9_-]{0,39})?$/;

export function checkPrefix(prefix: string): void {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new Error(
      `Invalid prefix "${prefix}": use up to 40 letters, digits, "_" or "-", starting with a letter or digit.`,
    );
  }
}

export type RabbitNames = {
  dlx: string;
  orders: string;
  ordersDlq: string;
  payments: string;
  paymentsDlq: string;
  reminders: string;
  remindersDlq: string;
  shipments: string;
  /** Every queue, in declaration order (DLQs first). */
  queues: string[];
  exchanges: string[];
};

export function rabbitNames(prefix: string): RabbitNames {
  checkPrefix(prefix);
  const q = (base: string) => `${prefix}${base}`;
  const names = {
    dlx: q("demo.dlx"),
    orders: q("orders"),
    ordersDlq: q("orders.dlq"),
    payments: q("payments"),
    paymentsDlq: q("payments.dlq"),
    reminders: q("reminders"),
    remindersDlq: q("reminders.dlq"),
    shipments: q("shipments"),
  };
  return {
    ...names,
    queues: [names.ordersDlq, names.paymentsDlq, names.remindersDlq, names.orders, names.payments, names.reminders, names.shipments],
    exchanges: [names.dlx],
  };
}

export type StreamNames = { stream: string; subjectRoot: string; subjects: string };

export type NatsNames = {
  orders: StreamNames;
  events: StreamNames;
  consumers: { fulfilment: string; analytics: string; archiver: string };
  streams: string[];
};

export function streamPrefix(prefix: string): string {
  return prefix.toUpperCase().replace(/[^A-Z0-9_]/g, "_");
}

export function natsNames(prefix: string): NatsNames {
  checkPrefix(prefix);
  const s = streamPrefix(prefix);
  const stream = (base: string): StreamNames => ({
    stream: `${s}${base.toUpperCase()}`,
    subjectRoot: `${prefix}${base}`,
    subjects: `${prefix}${base}.>`,
  });
  const orders = stream("orders");
  const events = stream("events");
  return {
    orders,
    events,
    consumers: { fulfilment: "fulfilment", analytics: "analytics", archiver: "archiver" },
    streams: [orders.stream, events.stream],
  };
}
