import type { ClusterConfig } from "@/lib/config";
import { BROKER_CAPABILITIES, BROKER_LABELS, type BrokerKind } from "../contracts";
import type { BrokerDriver } from "../driver";
import { FakeBroker } from "./fake-broker";

/**
 * The fake as a driver, standing in for `kind` (the store and the UI know only registered kinds):
 * what tests hand the collector, the job runner and the destination checks instead of a broker.
 */
export function fakeDriver<C extends ClusterConfig>(
  kind: C["kind"] & BrokerKind,
): Omit<BrokerDriver<C>, "createBroker"> & { createBroker(cluster: C, timeoutMs: number): FakeBroker } {
  return {
    kind,
    labels: BROKER_LABELS[kind],
    capabilities: BROKER_CAPABILITIES[kind],
    createBroker: (cluster) => new FakeBroker(cluster.name, kind),
    destinationProblem: (destination) => (destination === "" ? "the destination is empty" : null),
  };
}
