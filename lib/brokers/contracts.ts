// What the browser may know about broker kinds: their names, how each one's things are called, and
// what each one can do. Client-safe (no server imports): components and client hooks read it, and
// every driver (lib/brokers/<kind>/driver.ts) points at its entry. A new kind is a new key here and
// the compiler lists every Record and exhaustive switch that must learn it.

export const BROKER_KINDS = ["nats", "rabbitmq"] as const;
export type BrokerKind = (typeof BROKER_KINDS)[number];

export function isBrokerKind(value: unknown): value is BrokerKind {
  return typeof value === "string" && (BROKER_KINDS as readonly string[]).includes(value);
}

/** The `default:` of an exhaustive switch on BrokerKind: a kind added without its case does not compile. */
export function unknownKind(kind: never): never {
  throw new Error(`broker kind ${String(kind)} has no case here`);
}

/** How an operator names a kind's things, in sentences and table cells. */
export type BrokerLabels = {
  /** "NATS", "RabbitMQ". */
  kind: string;
  /** What a monitored consumer is: "consumer" (NATS) or "queue" (RabbitMQ). */
  consumer: string;
  /** What holds it: "stream" (NATS) or "vhost" (RabbitMQ). */
  parent: string;
  /** Where dead letters are collected from: "capture stream" (NATS) or "DLQ" (RabbitMQ). */
  deadLetterSource: string;
  /** The same, capitalised for a heading or badge. */
  deadLetterSourceTitle: string;
  /** What a requeue's destination is, as the input's placeholder shows it. */
  destinationPlaceholder: string;
  /** One line above a letter's broker properties. */
  propertiesNote: string;
};

/** What a kind's driver can do, where the UI and the collector differ by kind. */
export type BrokerCapabilities = {
  /** Dead-letter sources are found on the broker and collected only once adopted (RabbitMQ DLQs);
   *  false: one source per cluster, always collected (NATS capture stream). */
  adoptableDeadLetterSources: boolean;
  /** A requeue may be seen again by other consumers of the destination (NATS streams), so the dry run lists them. */
  destinationFanOut: boolean;
  /** Headers are kept as the broker typed them, for a faithful requeue (RabbitMQ's AMQP table). */
  typedHeaders: boolean;
  /** The broker drops a second publish under the same attempt id (JetStream's Nats-Msg-Id), so a
   *  publish whose confirm a dead process never saw may go again; elsewhere it is "unknown". */
  dedupedPublish: boolean;
  /** A message dropped at its delivery limit is only announced (JetStream's advisories, gone unless
   *  captured), not moved to a queue of its own: without Redrive's capture it leaves no trace. */
  deadLettersByAdvisory: boolean;
};

export const BROKER_LABELS: Record<BrokerKind, BrokerLabels> = {
  nats: {
    kind: "NATS",
    consumer: "consumer",
    parent: "stream",
    deadLetterSource: "capture stream",
    deadLetterSourceTitle: "Capture stream",
    destinationPlaceholder: "subject, e.g. orders.retry",
    propertiesNote: "The message's facts on JetStream.",
  },
  rabbitmq: {
    kind: "RabbitMQ",
    consumer: "queue",
    parent: "vhost",
    deadLetterSource: "DLQ",
    deadLetterSourceTitle: "Queue",
    destinationPlaceholder: "vhost/queue; the default vhost is //, e.g. //orders.retry",
    propertiesNote: "AMQP properties as RabbitMQ delivered them.",
  },
};

/** A per-kind table read off the labels, e.g. `labelsByKind((l) => l.parent)`. */
export function labelsByKind<T>(pick: (labels: BrokerLabels) => T): Record<BrokerKind, T> {
  return Object.fromEntries(BROKER_KINDS.map((k) => [k, pick(BROKER_LABELS[k])])) as Record<BrokerKind, T>;
}

/** The kinds that have a capability, for a query that filters on it. */
export function kindsWith(capability: keyof BrokerCapabilities): BrokerKind[] {
  return BROKER_KINDS.filter((k) => BROKER_CAPABILITIES[k][capability]);
}

export const BROKER_CAPABILITIES: Record<BrokerKind, BrokerCapabilities> = {
  nats: { adoptableDeadLetterSources: false, destinationFanOut: true, typedHeaders: false, dedupedPublish: true, deadLettersByAdvisory: true },
  rabbitmq: { adoptableDeadLetterSources: true, destinationFanOut: false, typedHeaders: true, dedupedPublish: false, deadLettersByAdvisory: false },
};

/** One death of a message, as the broker recorded it (RabbitMQ x-death) or Redrive derived it (NATS advisories). */
export type Death = {
  /** rejected | expired | maxlen | delivery_limit (RabbitMQ); max_deliveries | terminated (NATS). */
  reason: string;
  /** Queue it died in (RabbitMQ) or "stream/consumer" (NATS). */
  source: string;
  exchange: string | null;
  routingKeys: string[];
  count: number;
  /** ISO time of the (latest) death of this kind. */
  at: string | null;
};

/** Whether a requeue may go to a destination, as a dry run and a start show it. */
export type DestinationCheck = {
  /** true: a stream captures the subject / the queue exists; false: it does not; null: not checked or could not be. */
  exists: boolean | null;
  /** What is wrong with it, as a sentence part for the operator; null when all is well. */
  problem: string | null;
  /** No job may go there at all (a reserved subject, a wildcard, an unwatched vhost, Redrive's capture stream). */
  forbidden: boolean;
  /** NATS: other consumers of the stream that will see the message again (only when asked for). */
  consumers: string[];
};
