import "server-only";
import type { ClusterConfig } from "@/lib/config";
import { NatsBroker } from "./nats/nats-broker";
import { RabbitBroker } from "./rabbitmq/rabbitmq-broker";
import type { Broker } from "./types";

export function createBroker(cluster: ClusterConfig, timeoutMs: number): Broker {
  return cluster.kind === "nats" ? new NatsBroker(cluster, timeoutMs) : new RabbitBroker(cluster, timeoutMs);
}
