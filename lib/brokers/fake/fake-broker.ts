import type { Broker, BrokerKind, BrokerProbe, ConsumerReading } from "../types";
import { unreachable } from "../types";

/** A scripted broker for unit tests of pure logic: each probe returns the next scripted answer. */
export class FakeBroker implements Broker {
  probes = 0;
  closed = false;
  private answer: BrokerProbe;

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

  async close(): Promise<void> {
    this.closed = true;
  }
}
