import "server-only";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import type { NatsClusterConfig } from "@/lib/config";
import { AppError, describeError, isAppError } from "@/lib/errors";
import { log } from "@/lib/log";
import type { DestinationCheck } from "../contracts";
import type { DeadLetterSink, DeadLetterSource } from "../dead-letter-source";
import type { DestinationCheckOptions } from "../destination-check";
import type { LetterPublisher } from "../publisher";
import type { Broker, BrokerProbe, ConsumerReading } from "../types";
import { checkNatsDestination } from "./check-nats-destination";
import { captureStreamsOf } from "./capture-durable";
import { NatsDeadLetterSource } from "./nats-dead-letter-source";
import { NatsPublisher } from "./nats-publisher";
import { listNatsConsumers } from "./list-nats-consumers";
import { OldestMessageTimes } from "./oldest-message-times";
import { unreachable } from "../types";
import { withTimeout } from "../with-timeout";

const AUTH_PATTERN = /authorization|authentication|auth(entication)? (violation|expired)|permissions/i;

export class NatsBroker implements Broker {
  readonly kind = "nats" as const;
  readonly name: string;
  private nc: NatsConnection | undefined;
  private opening: Promise<NatsConnection> | undefined;
  /** The last thing the client told us about losing the server, for the operator. */
  private lastTrouble: string | null = null;
  private connected = false;
  /** Cached first-waiting-message times, kept across sweeps; null when time lag is switched off. */
  readonly oldest: OldestMessageTimes | null;

  constructor(
    private readonly cluster: NatsClusterConfig,
    private readonly timeoutMs = 5000,
  ) {
    this.name = cluster.name;
    this.oldest = cluster.timeLag === false ? null : new OldestMessageTimes();
  }

  private get where(): string {
    return this.cluster.servers.join(", ");
  }

  async connect(): Promise<void> {
    await this.connection();
  }

  /** The shared connection, for other parts (the dead-letter collector) to use JetStream on. */
  async natsConnection(): Promise<NatsConnection> {
    return this.connection();
  }

  private async connection(): Promise<NatsConnection> {
    if (this.nc && !this.nc.isClosed()) return this.nc;
    this.opening ??= this.open().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  private async open(): Promise<NatsConnection> {
    try {
      const nc = await connect({
        servers: this.cluster.servers,
        name: "redrive",
        user: this.cluster.user,
        pass: this.cluster.password,
        token: this.cluster.token,
        timeout: this.timeoutMs,
        reconnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 1000,
        pingInterval: 10_000,
        maxPingOut: 2,
      });
      this.nc = nc;
      this.connected = true;
      this.lastTrouble = null;
      void this.watch(nc);
      return nc;
    } catch (e) {
      const reason = describeError(e);
      if (AUTH_PATTERN.test(reason)) {
        throw new AppError("BROKER_REFUSED", `NATS at ${this.where} refused Redrive's credentials (${reason}). Check the user, password or token for cluster "${this.name}".`, { cause: e });
      }
      throw new AppError("BROKER_UNREACHABLE", `Cannot reach NATS at ${this.where}: ${reason}.`, { cause: e });
    }
  }

  private async watch(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      switch (s.type) {
        case "disconnect":
          this.connected = false;
          this.lastTrouble = `lost the connection to ${s.server}`;
          log.warn("nats disconnected", { cluster: this.name, server: s.server });
          break;
        case "reconnecting":
          this.connected = false;
          break;
        case "reconnect":
          this.connected = true;
          this.lastTrouble = null;
          log.info("nats reconnected", { cluster: this.name, server: s.server });
          break;
        case "error":
          this.lastTrouble = describeError(s.error);
          break;
        default:
          break;
      }
    }
  }

  async probe(): Promise<BrokerProbe> {
    let nc: NatsConnection;
    try {
      nc = await this.connection();
    } catch (e) {
      return unreachable(describeError(e));
    }
    if (!this.connected) {
      return unreachable(`Cannot reach NATS at ${this.where}: ${this.lastTrouble ?? "disconnected"}; Redrive keeps reconnecting.`);
    }
    try {
      const started = performance.now();
      await withTimeout(nc.rtt(), this.timeoutMs, `NATS at ${this.where}`);
      const latencyMs = Math.round(performance.now() - started);
      const details: Record<string, string> = {};
      let error: string | null = null;
      try {
        const jsm = await jetstreamManager(nc, { timeout: this.timeoutMs });
        const info = await jsm.getAccountInfo();
        details.jetstream = `enabled (${info.streams} streams, ${info.consumers} consumers)`;
      } catch (e) {
        details.jetstream = "unavailable";
        error = `JetStream is not available on this server (${describeError(e)}); start nats-server with -js.`;
      }
      return { reachable: true, serverVersion: nc.info?.version ?? null, management: null, error, latencyMs, details };
    } catch (e) {
      return unreachable(`NATS at ${this.where} does not answer: ${describeError(e)}`);
    }
  }

  async listConsumers(): Promise<ConsumerReading[]> {
    const nc = await this.connection();
    if (!this.connected) throw new AppError("BROKER_UNREACHABLE", `Cannot reach NATS at ${this.where}: ${this.lastTrouble ?? "disconnected"}.`);
    try {
      return await listNatsConsumers(nc, this.timeoutMs, this.oldest);
    } catch (e) {
      if (isAppError(e)) throw e;
      throw new AppError("BROKER_UNREACHABLE", `Could not list the JetStream consumers of NATS at ${this.where}: ${describeError(e)}.`, { cause: e });
    }
  }

  deadLetterSource(sink: DeadLetterSink): DeadLetterSource {
    return new NatsDeadLetterSource(this.cluster, () => this.connection(), sink);
  }

  /** Publishes on the shared connection; Redrive's capture streams are never a destination. */
  async openPublisher(options: { confirmTimeoutMs: number }): Promise<LetterPublisher> {
    return new NatsPublisher(await this.connection(), options.confirmTimeoutMs, captureStreamsOf(this.cluster));
  }

  checkDestination(subject: string, options: DestinationCheckOptions): Promise<DestinationCheck> {
    return checkNatsDestination(this.cluster, () => this.connection(), subject, options);
  }

  async close(): Promise<void> {
    const nc = this.nc;
    this.nc = undefined;
    this.connected = false;
    if (!nc || nc.isClosed()) return;
    // Drain, as a nats.go service does on the way out: subscriptions stop, and what was published
    // (the collector's advisory acks among it) is flushed before the connection closes. A server
    // that is away cannot be drained: then the connection is just closed.
    const drained = await withTimeout(nc.drain(), this.timeoutMs, "drain").then(() => true, () => false);
    if (!drained && !nc.isClosed()) await nc.close().catch(() => undefined);
  }
}
