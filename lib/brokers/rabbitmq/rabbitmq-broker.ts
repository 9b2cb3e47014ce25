import "server-only";
import type { RabbitClusterConfig } from "@/lib/config";
import { AppError, describeError, isAppError, redactSecrets } from "@/lib/errors";
import { log } from "@/lib/log";
import type { DestinationCheck } from "../contracts";
import type { DeadLetterSink, DeadLetterSource, DeadLetterSourceOptions } from "../dead-letter-source";
import type { DestinationCheckOptions } from "../destination-check";
import type { LetterPublisher } from "../publisher";
import type { Broker, BrokerProbe, ConsumerReading, ManagementStatus } from "../types";
import { checkRabbitDestination } from "./check-rabbit-destination";
import { RabbitDeadLetterSource } from "./rabbit-dead-letter-source";
import { RabbitPublisher } from "./rabbit-publisher";
import { listRabbitQueues } from "./list-rabbit-queues";
import { unreachable } from "../types";
import { withTimeout } from "../with-timeout";
import { connectAmqp, type AmqpConnection } from "./connect-amqp";
import { ManagementClient } from "./management-client";

type Overview = { rabbitmq_version?: string; management_version?: string; erlang_version?: string; cluster_name?: string };

/**
 * What a failed AMQP open says about why, from amqplib's message. The broker's refusals carry
 * a reply code and name ("403 (ACCESS-REFUSED)", "530 (NOT-ALLOWED) ... vhost"); a socket
 * error carries the address instead, whose port may hold the same digits ("127.0.0.1:40305"),
 * so a bare number is never enough.
 */
export function amqpRefusal(reason: string): "credentials" | "not-allowed" | null {
  if (/ACCESS[-_]REFUSED|\b403 \(/i.test(reason)) return "credentials";
  if (/NOT[-_]ALLOWED|\b530 \(|\bvhost\b/i.test(reason)) return "not-allowed";
  return null;
}

export class RabbitBroker implements Broker {
  readonly kind = "rabbitmq" as const;
  readonly name: string;
  readonly management: ManagementClient;
  private conn: AmqpConnection | undefined;
  private opening: Promise<AmqpConnection> | undefined;
  private lastTrouble: string | null = null;

  constructor(
    private readonly cluster: RabbitClusterConfig,
    private readonly timeoutMs = 5000,
  ) {
    this.name = cluster.name;
    this.management = new ManagementClient(cluster, timeoutMs);
  }

  private get where(): string {
    return redactSecrets(this.cluster.amqpUrl);
  }

  async connect(): Promise<void> {
    await this.connection();
  }

  private async connection(): Promise<AmqpConnection> {
    if (this.conn) return this.conn;
    this.opening ??= this.open().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  private async open(): Promise<AmqpConnection> {
    try {
      const conn = await withTimeout(
        connectAmqp(this.cluster, { timeoutMs: this.timeoutMs, name: "redrive" }),
        this.timeoutMs + 500,
        `RabbitMQ at ${this.where}`,
      );
      conn.on("error", (e: unknown) => {
        this.lastTrouble = describeError(e);
      });
      conn.on("close", () => {
        if (this.conn === conn) {
          this.conn = undefined;
          log.warn("rabbitmq connection closed", { cluster: this.name, reason: this.lastTrouble });
        }
      });
      this.conn = conn;
      this.lastTrouble = null;
      return conn;
    } catch (e) {
      if (isAppError(e)) throw e;
      const reason = describeError(e);
      const refusal = amqpRefusal(reason);
      if (refusal === "credentials") {
        throw new AppError("BROKER_REFUSED", `RabbitMQ at ${this.where} refused the credentials of user "${this.cluster.user}". Check the user and password for cluster "${this.name}".`, { cause: e });
      }
      if (refusal === "not-allowed") {
        throw new AppError("BROKER_REFUSED", `RabbitMQ at ${this.where} refused the connection: ${reason}.`, { cause: e });
      }
      throw new AppError("BROKER_UNREACHABLE", `Cannot reach RabbitMQ at ${this.where}: ${reason}.`, { cause: e });
    }
  }

  private async checkManagement(): Promise<{ status: ManagementStatus; overview: Overview | null }> {
    try {
      const overview = await this.management.get<Overview>("/api/overview");
      return { status: { ok: true, version: overview.management_version ?? null, error: null }, overview };
    } catch (e) {
      // It answered, but said no: the card says so instead of "not answering".
      const status = isAppError(e) ? (e.details as { status?: unknown } | undefined)?.status : undefined;
      return { status: { ok: false, version: null, error: describeError(e), httpStatus: typeof status === "number" ? status : null }, overview: null };
    }
  }

  async probe(): Promise<BrokerProbe> {
    const started = performance.now();
    const [amqpResult, mgmt] = await Promise.all([
      this.connection().then(
        (c) => ({ ok: true as const, conn: c }),
        (e: unknown) => ({ ok: false as const, error: describeError(e) }),
      ),
      this.checkManagement(),
    ]);
    const latencyMs = Math.round(performance.now() - started);
    if (!amqpResult.ok) return unreachable(amqpResult.error, { management: mgmt.status });

    const props = amqpResult.conn.connection.serverProperties as Record<string, unknown>;
    const details: Record<string, string> = {};
    const version = typeof props.version === "string" ? props.version : (mgmt.overview?.rabbitmq_version ?? null);
    if (mgmt.overview?.erlang_version) details.erlang = mgmt.overview.erlang_version;
    if (mgmt.overview?.cluster_name) details.cluster = mgmt.overview.cluster_name;
    return {
      reachable: true,
      serverVersion: version,
      management: mgmt.status,
      error: mgmt.status.ok ? null : `AMQP works, but ${lowerFirst(mgmt.status.error ?? "the management API does not answer")}`,
      latencyMs,
      details,
    };
  }

  async listConsumers(): Promise<ConsumerReading[]> {
    return (await listRabbitQueues(this.management, this.cluster.vhosts)).readings;
  }

  deadLetterSource(sink: DeadLetterSink, options: DeadLetterSourceOptions): DeadLetterSource {
    return new RabbitDeadLetterSource(this.cluster, this.management, sink, options);
  }

  /** Its own connections, one per vhost: a requeue's confirms are not queued behind monitoring. */
  async openPublisher(options: { confirmTimeoutMs: number }): Promise<LetterPublisher> {
    return new RabbitPublisher(this.cluster, options.confirmTimeoutMs);
  }

  checkDestination(destination: string, options: DestinationCheckOptions): Promise<DestinationCheck> {
    return checkRabbitDestination(this.cluster, this.management, destination, options);
  }

  async close(): Promise<void> {
    const conn = this.conn;
    this.conn = undefined;
    if (conn) await conn.close().catch(() => undefined);
  }
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
