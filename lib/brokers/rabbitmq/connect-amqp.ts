import "server-only";
import amqp from "amqplib";
import type { RabbitClusterConfig } from "@/lib/config";

// The one place an AMQP connection is built from a cluster's credentials: the monitor's connection,
// the collector's per-vhost connections and the requeue publisher's all go through it, so the
// credentials are encoded one way and every connection names itself to the broker.

export type AmqpConnection = Awaited<ReturnType<typeof amqp.connect>>;

/** The cluster's AMQP URL with its credentials, on `vhost` when given (else the URL's own). */
export function amqpUrlOf(cluster: RabbitClusterConfig, vhost?: string): string {
  const url = new URL(cluster.amqpUrl);
  url.username = encodeURIComponent(cluster.user);
  url.password = encodeURIComponent(cluster.password);
  if (vhost !== undefined) url.pathname = "/" + encodeURIComponent(vhost);
  return url.toString();
}

/** Opens a connection; `name` is what the RabbitMQ management UI shows for it (redrive, redrive-collector, redrive-requeue). */
export function connectAmqp(cluster: RabbitClusterConfig, options: { vhost?: string; timeoutMs: number; name: string }): Promise<AmqpConnection> {
  return amqp.connect(amqpUrlOf(cluster, options.vhost), { timeout: options.timeoutMs, clientProperties: { connection_name: options.name } });
}
