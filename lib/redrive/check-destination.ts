import "server-only";
import { jetstreamManager } from "@nats-io/jetstream";
import { getBrokers } from "@/lib/brokers/get-brokers";
import type { NatsBroker } from "@/lib/brokers/nats/nats-broker";
import type { RabbitBroker } from "@/lib/brokers/rabbitmq/rabbitmq-broker";
import { DEFAULT_CAPTURE, getConfig, type NatsClusterConfig, type RabbitClusterConfig } from "@/lib/config";
import { splitQueueId } from "@/lib/dead-letters/rabbitmq/queue-id";
import { topicMatches } from "@/lib/dead-letters/rabbitmq/topic-match";
import { describeError, isAppError } from "@/lib/errors";
import { natsSubjectProblem, rabbitDestinationProblem } from "./destination-rules";

export type DestinationCheck = {
  /** true: a stream captures the subject / the queue exists; false: it does not; null: not checked or could not be. */
  exists: boolean | null;
  /** What is wrong with it, as a sentence part for the operator; null when all is well. */
  problem: string | null;
  /** No job may go there at all (a reserved subject, a wildcard, an unwatched vhost, Redrive's capture stream). */
  forbidden: boolean;
  /** NATS: other consumers of the stream that will see the message again (only when asked for). */
  consumers: string[];
};

/** NATS subjects use "*" and ">" where AMQP topics use "*" and "#". */
const natsMatches = (filter: string, subject: string) => filter === "" || topicMatches(filter.replace(/>$/, "#"), subject);

const forbidden = (problem: string): DestinationCheck => ({ exists: null, problem, forbidden: true, consumers: [] });
const found = (exists: boolean, problem: string | null, consumers: string[] = []): DestinationCheck => ({ exists, problem, forbidden: false, consumers });

/**
 * Whether a requeue may go to `destination` on `cluster`: first the rules no broker answer can
 * lift (destination-rules.ts), then the broker: on NATS a stream of this cluster must capture the
 * subject (and not be Redrive's own capture stream); on RabbitMQ the queue must exist in the vhost.
 * Never throws: a broker that cannot be asked gives `exists: null` and says why. `rulesOnly`: check
 * the rules alone (for a cluster whose broker did not answer a moment ago).
 */
export async function checkDestination(d: { cluster: string; destination: string }, options: { consumers?: boolean; rulesOnly?: boolean } = {}): Promise<DestinationCheck> {
  const cluster = getConfig().clusters.find((c) => c.name === d.cluster);
  if (!cluster) return { exists: null, problem: `cluster ${d.cluster} is no longer in the configuration`, forbidden: false, consumers: [] };
  try {
    switch (cluster.kind) {
      case "nats":
        return await checkNats(cluster, d.destination, options);
      case "rabbitmq":
        return await checkRabbit(cluster, d.destination, options);
      default: {
        const never: never = cluster;
        return never;
      }
    }
  } catch (e) {
    return { exists: null, problem: `could not check: ${describeError(e)}`, forbidden: false, consumers: [] };
  }
}

// By name and kind, not instanceof: the shared brokers may come from another bundle of the same class.
function brokerOf<K extends "nats" | "rabbitmq">(name: string, kind: K) {
  const broker = getBrokers().find((b) => b.name === name && b.kind === kind);
  if (!broker) throw new Error(`no ${kind} connection for cluster ${name}`);
  return broker;
}

/** What a check told to stop after the rules (`rulesOnly`) says when they pass: the broker was not asked. */
const unasked: DestinationCheck = { exists: null, problem: null, forbidden: false, consumers: [] };

async function checkNats(cluster: NatsClusterConfig, subject: string, options: { consumers?: boolean; rulesOnly?: boolean }): Promise<DestinationCheck> {
  const rule = natsSubjectProblem(subject);
  if (rule) return forbidden(rule);
  if (options.rulesOnly) return unasked;
  const jsm = await jetstreamManager(await (brokerOf(cluster.name, "nats") as NatsBroker).natsConnection());
  let stream: string;
  try {
    stream = await jsm.streams.find(subject);
  } catch (e) {
    if (/no stream matches subject/i.test(describeError(e))) return found(false, `no stream captures subject ${subject}`);
    throw e;
  }
  // Redrive's capture stream holds the dead-letter advisories it has not collected yet; a message
  // published into it would be taken for one, and a purge there would lose them.
  const capture = new Set([cluster.capture?.stream ?? DEFAULT_CAPTURE.stream, DEFAULT_CAPTURE.stream]);
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

async function checkRabbit(cluster: RabbitClusterConfig, destination: string, options: { rulesOnly?: boolean }): Promise<DestinationCheck> {
  const rule = rabbitDestinationProblem(destination, cluster.vhosts);
  if (rule) return forbidden(rule);
  if (options.rulesOnly) return unasked;
  const { vhost, queue } = splitQueueId(destination);
  const api = (brokerOf(cluster.name, "rabbitmq") as RabbitBroker).management;
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
