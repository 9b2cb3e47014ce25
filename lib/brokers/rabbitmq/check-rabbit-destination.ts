import "server-only";
import type { RabbitClusterConfig } from "@/lib/config";
import { isAppError } from "@/lib/errors";
import type { DestinationCheck } from "../contracts";
import { forbidden, found, unasked, type DestinationCheckOptions } from "../destination-check";
import { rabbitDestinationProblem } from "../destination-rules";
import type { ManagementClient } from "./management-client";
import { splitQueueId } from "./queue-id";

/** A requeue on RabbitMQ goes to a queue that exists in a vhost the cluster watches. */
export async function checkRabbitDestination(
  cluster: RabbitClusterConfig,
  api: ManagementClient,
  destination: string,
  options: DestinationCheckOptions,
): Promise<DestinationCheck> {
  const rule = rabbitDestinationProblem(destination, cluster.vhosts);
  if (rule) return forbidden(rule);
  if (options.rulesOnly) return unasked;
  const { vhost, queue } = splitQueueId(destination);
  const missing = (e: unknown) => isAppError(e) && (e.details as { status?: number } | undefined)?.status === 404;
  try {
    await api.get(`/api/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(queue)}`);
    return found(true, null);
  } catch (e) {
    if (!missing(e)) throw e;
  }
  // The management API answers 404 for a queue in a vhost that does not exist, too: say which.
  const vhostExists = await api.get(`/api/vhosts/${encodeURIComponent(vhost)}`).then(
    () => true,
    (e: unknown) => (missing(e) ? false : null),
  );
  if (vhostExists === false) return found(false, `vhost ${vhost} does not exist`);
  return found(false, `no queue "${queue}" in vhost ${vhost}`);
}
