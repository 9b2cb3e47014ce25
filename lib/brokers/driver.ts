import "server-only";
import type { ClusterConfig } from "@/lib/config";
import type { BrokerCapabilities, BrokerKind, BrokerLabels } from "./contracts";
import type { Broker } from "./types";

/**
 * Everything Redrive knows about one broker kind, in one place (lib/brokers/<kind>/driver.ts).
 * The broker it creates does the I/O (see types.ts#Broker); the rest is what code outside
 * lib/brokers/ may ask about a kind without branching on it.
 */
export type BrokerDriver<C extends ClusterConfig = ClusterConfig> = {
  kind: C["kind"];
  labels: BrokerLabels;
  capabilities: BrokerCapabilities;
  /** One broker per configured cluster and process (lib/brokers/get-brokers.ts keeps them). */
  createBroker(cluster: C, timeoutMs: number): Broker;
  /** Why `destination` can never be a requeue's destination on `cluster`, whatever the broker says; null when it can. Pure. */
  destinationProblem(destination: string, cluster: C): string | null;
};

export type DriverRegistry = { [K in BrokerKind]: BrokerDriver<Extract<ClusterConfig, { kind: K }>> };
