import "server-only";
import type { ClusterConfig } from "@/lib/config";
import type { DriverRegistry } from "./driver";
import { natsDriver } from "./nats/driver";
import { rabbitDriver } from "./rabbitmq/driver";
import type { Broker } from "./types";

/** Every broker kind Redrive speaks, registered once: a kind missing here does not compile. */
export const DRIVERS: DriverRegistry = { nats: natsDriver, rabbitmq: rabbitDriver };

/** The broker of a configured cluster, made by its kind's driver. */
export function createBroker(cluster: ClusterConfig, timeoutMs: number): Broker {
  switch (cluster.kind) {
    case "nats":
      return DRIVERS.nats.createBroker(cluster, timeoutMs);
    case "rabbitmq":
      return DRIVERS.rabbitmq.createBroker(cluster, timeoutMs);
    default: {
      const never: never = cluster;
      return never;
    }
  }
}

/** Why `destination` can never be a requeue's destination on `cluster` (the kind's pure rules); null when it can. */
export function destinationProblem(cluster: ClusterConfig, destination: string): string | null {
  switch (cluster.kind) {
    case "nats":
      return DRIVERS.nats.destinationProblem(destination, cluster);
    case "rabbitmq":
      return DRIVERS.rabbitmq.destinationProblem(destination, cluster);
    default: {
      const never: never = cluster;
      return never;
    }
  }
}
