import "server-only";
import type { DestinationCheck } from "@/lib/brokers/contracts";
import { getBrokers } from "@/lib/brokers/get-brokers";
import { getConfig } from "@/lib/config";
import { describeError } from "@/lib/errors";

export type { DestinationCheck } from "@/lib/brokers/contracts";

/**
 * Whether a requeue may go to `destination` on `cluster`: first the rules no broker answer can
 * lift (lib/brokers/destination-rules.ts), then the broker, as the cluster's driver asks it: on
 * NATS a stream of this cluster must capture the subject (and not be Redrive's own capture
 * stream); on RabbitMQ the queue must exist in the vhost. Never throws: a broker that cannot be
 * asked gives `exists: null` and says why. `rulesOnly`: check the rules alone (for a cluster whose
 * broker did not answer a moment ago).
 */
export async function checkDestination(d: { cluster: string; destination: string }, options: { consumers?: boolean; rulesOnly?: boolean } = {}): Promise<DestinationCheck> {
  const cluster = getConfig().clusters.find((c) => c.name === d.cluster);
  if (!cluster) return { exists: null, problem: `cluster ${d.cluster} is no longer in the configuration`, forbidden: false, consumers: [] };
  try {
    // By name and kind, not instanceof: the shared brokers may come from another bundle of the same class.
    const broker = getBrokers().find((b) => b.name === cluster.name && b.kind === cluster.kind);
    if (!broker) throw new Error(`no ${cluster.kind} connection for cluster ${cluster.name}`);
    return await broker.checkDestination(d.destination, options);
  } catch (e) {
    return { exists: null, problem: `could not check: ${describeError(e)}`, forbidden: false, consumers: [] };
  }
}
