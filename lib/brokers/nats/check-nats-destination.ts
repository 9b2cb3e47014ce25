import "server-only";
import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { NatsClusterConfig } from "@/lib/config";
import { captureStreamsOf } from "./capture-durable";
import { describeError } from "@/lib/errors";
import type { DestinationCheck } from "../contracts";
import { forbidden, found, unasked, type DestinationCheckOptions } from "../destination-check";
import { natsSubjectProblem } from "../destination-rules";
import { topicMatches } from "../rabbitmq/topic-match";

/** NATS subjects use "*" and ">" where AMQP topics use "*" and "#". */
const natsMatches = (filter: string, subject: string) => filter === "" || topicMatches(filter.replace(/>$/, "#"), subject);

/** A requeue on NATS goes to a plain subject that a stream of this cluster captures, other than Redrive's own capture stream. */
export async function checkNatsDestination(
  cluster: NatsClusterConfig,
  connection: () => Promise<NatsConnection>,
  subject: string,
  options: DestinationCheckOptions,
): Promise<DestinationCheck> {
  const rule = natsSubjectProblem(subject);
  if (rule) return forbidden(rule);
  if (options.rulesOnly) return unasked;
  const jsm = await jetstreamManager(await connection());
  let stream: string;
  try {
    stream = await jsm.streams.find(subject);
  } catch (e) {
    if (/no stream matches subject/i.test(describeError(e))) return found(false, `no stream captures subject ${subject}`);
    throw e;
  }
  // Redrive's capture stream holds the dead-letter advisories it has not collected yet; a message
  // published into it would be taken for one, and a purge there would lose them.
  const capture = captureStreamsOf(cluster);
  if (capture.has(stream)) return forbidden(`subject ${subject} goes to stream ${stream}, Redrive's own capture stream of dead-letter advisories`);
  const consumers: string[] = [];
  if (options.consumers) {
    const info = await jsm.streams.info(stream);
    if (info.config.retention !== "workqueue") {
      for await (const c of jsm.consumers.list(stream)) if (natsMatches(c.config.filter_subject ?? "", subject)) consumers.push(c.name);
    }
  }
  return found(true, null, consumers);
}
