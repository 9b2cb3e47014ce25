import { DEFAULT_CAPTURE, type CaptureConfig, type NatsClusterConfig } from "@/lib/config";

/**
 * This installation's durable on the capture stream: the configured name plus the installation id.
 * A durable pulled by two clients load-balances, so installations sharing one would each see part
 * of the dead letters; replicas of one installation share the store, hence the id, hence the durable.
 */
export function captureDurable(capture: CaptureConfig, installationId: string): string {
  return `${capture.consumer}-${installationId}`;
}

/** The streams a requeue may never go to on this cluster: its capture stream, and the default one. */
export function captureStreamsOf(cluster: NatsClusterConfig): Set<string> {
  return new Set([cluster.capture?.stream ?? DEFAULT_CAPTURE.stream, DEFAULT_CAPTURE.stream]);
}
