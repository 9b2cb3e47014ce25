import "server-only";
import type { RabbitClusterConfig } from "@/lib/config";
import { BROKER_CAPABILITIES, BROKER_LABELS } from "../contracts";
import { rabbitDestinationProblem } from "../destination-rules";
import type { BrokerDriver } from "../driver";
import { RabbitBroker } from "./rabbitmq-broker";

export const rabbitDriver: BrokerDriver<RabbitClusterConfig> = {
  kind: "rabbitmq",
  labels: BROKER_LABELS.rabbitmq,
  capabilities: BROKER_CAPABILITIES.rabbitmq,
  createBroker: (cluster, timeoutMs) => new RabbitBroker(cluster, timeoutMs),
  destinationProblem: (destination, cluster) => rabbitDestinationProblem(destination, cluster.vhosts),
};
