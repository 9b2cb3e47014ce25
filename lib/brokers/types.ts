// The Broker contract every adapter (NATS, RabbitMQ, fake) implements. This issue covers the
// connection part; listing consumers, reading dead letters and publishing join it later.

export type BrokerKind = "nats" | "rabbitmq";

export type ManagementStatus = {
  ok: boolean;
  version: string | null;
  /** A sentence for the operator when the management API does not answer as it should. */
  error: string | null;
};

export type BrokerProbe = {
  reachable: boolean;
  serverVersion: string | null;
  /** RabbitMQ's management API; null for brokers that have none. */
  management: ManagementStatus | null;
  /** Why the broker is not reachable, or what is degraded; null when all is well. */
  error: string | null;
  /** Round trip of the probe itself, in ms; null when the broker did not answer. */
  latencyMs: number | null;
  /** Facts worth showing beside the version (JetStream state, Erlang version, cluster name). */
  details: Record<string, string>;
};

export interface Broker {
  readonly name: string;
  readonly kind: BrokerKind;
  /** Opens the connection; throws AppError (BROKER_UNREACHABLE, BROKER_REFUSED, TIMEOUT). */
  connect(): Promise<void>;
  /** Checks the broker now, reconnecting if needed. Never throws: failures are in the result. */
  probe(): Promise<BrokerProbe>;
  close(): Promise<void>;
}

export function unreachable(error: string, extra: Partial<BrokerProbe> = {}): BrokerProbe {
  return { reachable: false, serverVersion: null, management: null, error, latencyMs: null, details: {}, ...extra };
}
