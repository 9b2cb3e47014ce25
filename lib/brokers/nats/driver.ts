import "server-only";
import type { NatsClusterConfig } from "@/lib/config";
import { BROKER_CAPABILITIES, BROKER_LABELS } from "../contracts";
import { natsSubjectProblem } from "../destination-rules";
import type { BrokerDriver } from "../driver";
import { NatsBroker } from "./nats-broker";

export const natsDriver: BrokerDriver<NatsClusterConfig> = {
  kind: "nats",
  labels: BROKER_LABELS.nats,
  capabilities: BROKER_CAPABILITIES.nats,
  createBroker: (cluster, timeoutMs) => new NatsBroker(cluster, timeoutMs),
  destinationProblem: (subject) => natsSubjectProblem(subject),
};
