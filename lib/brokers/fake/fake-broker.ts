import type { BrokerKind, DestinationCheck } from "../contracts";
import type { DeadLetterSink, DeadLetterSource, NewLetter } from "../dead-letter-source";
import { forbidden, found, unasked, type DestinationCheckOptions } from "../destination-check";
import type { LetterPublisher, OutgoingLetter, PublishResult } from "../publisher";
import type { Broker, BrokerProbe, ConsumerReading } from "../types";
import { unreachable } from "../types";

/** A message as the fake broker holds it in one of its queues. */
export type FakeMessage = { payload: Uint8Array; headers: Record<string, unknown>; properties: Record<string, unknown>; attemptId: string };

/** A dead letter waiting on the fake broker to be collected: a NewLetter without the store's cluster id. */
export type FakeDeadLetter = Omit<NewLetter, "clusterId" | "clusterName" | "kind">;

/**
 * The whole driver contract in memory, for unit tests and as the template of a new kind: probes
 * and readings are scripted; dead letters queued with `deadLetter()` are yielded to the collector's
 * sink and removed only after the sink stored them (as a real broker's ack); requeues land in
 * `queues` by destination; destinations exist when listed in `destinations`.
 */
export class FakeBroker implements Broker {
  probes = 0;
  closed = false;
  private answer: BrokerProbe;
  /** Dead letters on the broker, not yet acknowledged by a collection. */
  readonly deadLetters: FakeDeadLetter[] = [];
  /** What requeues delivered, by destination. */
  readonly queues = new Map<string, FakeMessage[]>();
  /** Destinations that exist; anything else is "not found". */
  readonly destinations = new Set<string>();
  /** Destinations a requeue may never go to (the fake's own rules). */
  readonly reserved = new Set<string>();
  /** Set to make publishes fail with this broker answer. */
  refusePublish: string | null = null;

  constructor(
    readonly name: string,
    readonly kind: BrokerKind = "nats",
    initial: BrokerProbe = FakeBroker.up("2.9.10"),
  ) {
    this.answer = initial;
  }

  static up(version: string, extra: Partial<BrokerProbe> = {}): BrokerProbe {
    return { reachable: true, serverVersion: version, management: null, error: null, latencyMs: 1, details: {}, ...extra };
  }

  static down(reason: string): BrokerProbe {
    return unreachable(reason);
  }

  set(next: BrokerProbe): void {
    this.answer = next;
  }

  async connect(): Promise<void> {}

  async probe(): Promise<BrokerProbe> {
    this.probes += 1;
    return this.answer;
  }

  readings: ConsumerReading[] | Error = [];

  async listConsumers(): Promise<ConsumerReading[]> {
    if (this.readings instanceof Error) throw this.readings;
    return this.readings;
  }

  /** Puts a dead letter on the broker, for the collector to take. */
  deadLetter(letter: FakeDeadLetter): void {
    this.deadLetters.push(letter);
  }

  deadLetterSource(sink: DeadLetterSink): DeadLetterSource {
    const broker = this;
    let open = true;
    return {
      async tend() {
        if (!open || broker.deadLetters.length === 0) return;
        const batch = broker.deadLetters.slice();
        await sink.store(batch.map((l) => ({ ...l, clusterId: sink.clusterId, clusterName: sink.clusterName, kind: broker.kind })));
        // Stored: now "acknowledged", so they leave the broker.
        broker.deadLetters.splice(0, batch.length);
      },
      async close() {
        open = false;
      },
    };
  }

  async openPublisher(): Promise<LetterPublisher> {
    const broker = this;
    return {
      async publish(letter: OutgoingLetter): Promise<PublishResult> {
        if (broker.refusePublish) return { outcome: "failed", detail: broker.refusePublish };
        if (!broker.destinations.has(letter.destination)) return { outcome: "failed", detail: `no destination ${letter.destination}` };
        const q = broker.queues.get(letter.destination) ?? [];
        q.push({ payload: letter.payload, headers: letter.headers, properties: letter.properties, attemptId: letter.attemptId });
        broker.queues.set(letter.destination, q);
        return { outcome: "done", detail: null };
      },
      async close() {},
    };
  }

  async checkDestination(destination: string, options: DestinationCheckOptions): Promise<DestinationCheck> {
    if (destination === "" || this.reserved.has(destination)) return forbidden(`"${destination}" is reserved on the fake broker`);
    if (options.rulesOnly) return unasked;
    return this.destinations.has(destination) ? found(true, null) : found(false, `no destination ${destination}`);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
