import { connect as amqpConnect, credentials, type ChannelModel } from "amqplib";
import { connect as natsConnect, type NatsConnection } from "@nats-io/transport-node";
import type { NatsClusterConfig, RabbitClusterConfig } from "../../lib/config";
import { describeError, redactUrl, withTimeout } from "./util";

/**
 * Connecting to the brokers with a timeout. Failures name the broker and its URL(s) with the
 * credentials stripped; passwords and tokens never appear in messages.
 */

export function rabbitWhere(cluster: RabbitClusterConfig, vhost: string): string {
  return `RabbitMQ "${cluster.name}" at ${redactUrl(cluster.amqpUrl)} (vhost "${vhost}")`;
}

/** Connects with the cluster's credentials; the error names the broker and URL, never the password. */
export async function connectRabbit(cluster: RabbitClusterConfig, vhost: string, timeoutMs: number): Promise<ChannelModel> {
  const where = rabbitWhere(cluster, vhost);
  try {
    const url = new URL(cluster.amqpUrl);
    url.username = "";
    url.password = "";
    url.pathname = `/${encodeURIComponent(vhost)}`;
    const attempt = amqpConnect(url.toString(), {
      timeout: timeoutMs,
      credentials: credentials.plain(cluster.user, cluster.password),
      clientProperties: { connection_name: "redrive-demo" },
    });
    // A connection that opens after we gave up is closed straight away; we already reported the timeout.
    return await withTimeout(attempt, timeoutMs + 500, `no answer within ${timeoutMs} ms`, (late) => void late.close().catch(() => undefined));
  } catch (e) {
    throw new Error(`Cannot connect to ${where}: ${describeError(e)}`, { cause: e });
  }
}

export function natsWhere(cluster: NatsClusterConfig): string {
  return `NATS "${cluster.name}" at ${cluster.servers.map(redactUrl).join(", ")}`;
}

/** Connects; the error names the broker and server URLs, never a password or token. */
export async function connectNats(cluster: NatsClusterConfig, timeoutMs: number): Promise<NatsConnection> {
  try {
    return await natsConnect({
      servers: cluster.servers,
      user: cluster.user,
      pass: cluster.password,
      token: cluster.token,
      name: "redrive-demo",
      timeout: timeoutMs,
      // A broker restart is part of a demo's life: keep connecting again (every second) until stopped.
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
    });
  } catch (e) {
    const detail = describeError(e);
    const reason = detail === "timeout" ? `no answer within ${timeoutMs} ms` : detail;
    throw new Error(`Cannot connect to ${natsWhere(cluster)}: ${reason}`, { cause: e });
  }
}
