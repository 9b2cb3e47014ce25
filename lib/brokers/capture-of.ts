import "server-only";
import { DEFAULT_CAPTURE, type CaptureConfig, type ClusterConfig } from "@/lib/config";

/**
 * The capture stream a cluster keeps for its dead letters (NATS: JetStream has no DLQ), or null for
 * a kind whose dead letters sit in queues of their own. The inbox and the sampler's roles read it.
 */
export function captureOf(cluster: ClusterConfig): CaptureConfig | null {
  switch (cluster.kind) {
    case "nats":
      return cluster.capture ?? DEFAULT_CAPTURE;
    case "rabbitmq":
      return null;
    default: {
      const never: never = cluster;
      return never;
    }
  }
}
