// What to check for a consumer in each state, in the broker's own terms: the commands an operator
// runs to confirm what Redrive sees and find the cause. Pure and client-safe.

import { unknownKind, type BrokerKind } from "@/lib/brokers/contracts";
import type { HealthState } from "./types";

export type RemediationStep = { text: string; command: string | null };
export type Remediation = { summary: string; steps: RemediationStep[] };

export type RemediationSubject = { kind: BrokerKind; state: HealthState; parent: string; name: string; synthetic?: boolean };

/** Quotes a name for a POSIX shell when it needs it: names come from the broker, not from us. */
export function shellArg(v: string): string {
  return /^[A-Za-z0-9_.:@%+=\/-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}

function nats(state: HealthState, stream: string, consumer: string): Remediation {
  const s = shellArg(stream);
  const c = shellArg(consumer);
  const info: RemediationStep = { text: "Confirm on the broker (Waiting Pulls, Active Interest, Outstanding Acks, Unprocessed Messages):", command: `nats consumer info ${s} ${c}` };
  switch (state) {
    case "OK":
      return { summary: "Nothing to do: it keeps up.", steps: [] };
    case "STOPPED":
      return {
        summary: "Messages wait and nobody is pulling (no waiting pull requests, no bound push subscriber).",
        steps: [info, { text: "Are the workers running and connected? Their connections (needs the system account):", command: `nats server report connections` }],
      };
    case "STALLED":
      return {
        summary: "Workers are attached but nothing completes: messages are delivered and never acknowledged.",
        steps: [
          info,
          { text: "Compare Outstanding Acks with Max Ack Pending: at the limit, nothing new is delivered. Check the workers' logs for hung handlers.", command: null },
          { text: "All consumers of the stream side by side:", command: `nats consumer report ${s}` },
        ],
      };
    case "LAGGING":
      return {
        summary: "The backlog grows: messages arrive faster than the workers complete them.",
        steps: [info, { text: "Add workers, or raise Max Ack Pending if the consumer sits at it. Compare with the stream's inflow:", command: `nats stream info ${s}` }],
      };
    case "FAILING":
      return {
        summary: "Many deliveries are redeliveries or end as dead letters: the handlers fail.",
        steps: [
          info,
          { text: "Watch max-delivery and terminated advisories as they happen:", command: `nats event --js-advisory` },
          { text: "Open the dead-letter inbox for this consumer to see what fails, then fix and requeue.", command: null },
        ],
      };
    case "UNKNOWN":
      return {
        summary: "Redrive cannot read this consumer now; the numbers shown are the last ones.",
        steps: [
          { text: "Is the server reachable, and JetStream enabled for Redrive's account?", command: `nats account info` },
          { text: "Does the consumer still exist?", command: `nats consumer ls ${s}` },
        ],
      };
    case "MISSING":
      return {
        summary: "It is expected, and is absent from the broker or has too few workers attached.",
        steps: [
          { text: "Is it there?", command: `nats consumer ls ${s}` },
          info,
          { text: "If it is missing, (re)create it with the application's deployment; if it exists, start its workers.", command: null },
        ],
      };
  }
}

function rabbit(state: HealthState, vhost: string, queue: string): Remediation {
  const p = shellArg(vhost);
  const consumers: RemediationStep = { text: "Who consumes it (channel, prefetch, active):", command: `rabbitmqctl list_consumers -p ${p}` };
  const queues: RemediationStep = {
    text: `Confirm on the broker (look for ${queue}):`,
    command: `rabbitmqctl list_queues -p ${p} name messages_ready messages_unacknowledged consumers consumer_utilisation`,
  };
  switch (state) {
    case "OK":
      return { summary: "Nothing to do: it keeps up.", steps: [] };
    case "STOPPED":
      return {
        summary: "Messages wait and no consumer is attached to the queue.",
        steps: [queues, consumers, { text: "Are the application's connections there?", command: `rabbitmqctl list_connections -p ${p} name user state` }],
      };
    case "STALLED":
      return {
        summary: "Consumers are attached but nothing is acknowledged: they hold their prefetch and do no work.",
        steps: [
          consumers,
          { text: "Unacknowledged messages per channel against its prefetch:", command: `rabbitmqctl list_channels -p ${p} name messages_unacknowledged prefetch_count` },
          { text: "RabbitMQ closes such channels after consumer_timeout (30 min by default) and requeues their messages; check the workers' logs for hung handlers.", command: null },
        ],
      };
    case "LAGGING":
      return {
        summary: "The backlog grows: messages arrive faster than the consumers acknowledge them.",
        steps: [queues, { text: "Add consumers or raise their prefetch; consumer_utilisation below 1 means they cannot take messages as fast as they come.", command: null }],
      };
    case "FAILING":
      return {
        summary: "Many deliveries are redeliveries or end as dead letters: the handlers fail.",
        steps: [
          queues,
          { text: "Where its dead letters go (x-dead-letter-exchange argument or policy):", command: `rabbitmqctl list_queues -p ${p} name arguments policy` },
          { text: "Open the dead-letter inbox for this queue to see what fails, then fix and requeue.", command: null },
        ],
      };
    case "UNKNOWN":
      return {
        summary: "Redrive cannot read this queue now; the numbers shown are the last ones.",
        steps: [
          { text: "Is the node up?", command: `rabbitmq-diagnostics status` },
          { text: "Is the management plugin (which Redrive reads) enabled?", command: `rabbitmq-plugins list -e` },
        ],
      };
    case "MISSING":
      return {
        summary: "It is expected, and is absent from the broker or has too few consumers attached.",
        steps: [queues, consumers, { text: "If the queue is missing, the application declares it on start; if it exists, start its consumers.", command: null }],
      };
  }
}

/** The state's explanation and what to check, for the consumer page. */
export function remediationFor(s: RemediationSubject): Remediation {
  switch (s.kind) {
    case "nats":
      return nats(s.state, s.parent, s.name);
    case "rabbitmq":
      return rabbit(s.state, s.parent, s.name);
    default:
      return unknownKind(s.kind);
  }
}
