// Where a requeue may never go, whatever the broker says: checked before a job starts, in its dry
// run, and again by the publishers. Pure and client-safe. A NATS publish is a request to whatever
// listens on the subject, so a requeue to "$JS.API.STREAM.DELETE.<name>" would delete a stream: only
// plain subjects that a stream captures are destinations. See check-destination.ts for the broker side.

import { splitQueueId } from "./rabbitmq/queue-id";

/** Whitespace or control characters: no NATS subject holds them. */
const NATS_BAD_CHARS = /[\s\p{Cc}]/u;
const CONTROL_CHARS = /\p{Cc}/u;

/** Why `subject` can never be a requeue's destination on NATS, as a sentence part; null when it can. */
export function natsSubjectProblem(subject: string): string | null {
  if (subject === "") return "the subject is empty";
  if (NATS_BAD_CHARS.test(subject)) return `subject "${subject}" holds whitespace or control characters, which no NATS subject may hold`;
  if (subject.startsWith("$")) {
    return `subject "${subject}" is reserved: NATS keeps every subject starting with "$" for itself ($JS. is the JetStream API, $SYS. the system account, $KV. and $O. key-value and object stores), and a publish there runs a command instead of requeueing a message`;
  }
  if (/^_INBOX(\.|$)/i.test(subject)) return `subject "${subject}" is a reply inbox (_INBOX.): a publish there would answer another client's request`;
  if (/[*>]/.test(subject)) return `subject "${subject}" holds a wildcard ("*" or ">"): a requeue goes to one subject`;
  if (subject.split(".").includes("")) return `subject "${subject}" has an empty token (a leading, trailing or doubled ".")`;
  return null;
}

/**
 * Why "vhost/queue" can never be a requeue's destination on RabbitMQ; null when it can.
 * `watched`: the cluster's configured vhosts (empty: every vhost its user can see).
 */
export function rabbitDestinationProblem(destination: string, watched: readonly string[]): string | null {
  const { vhost, queue } = splitQueueId(destination);
  if (queue === "" || vhost === "") return `"${destination}" names no ${queue === "" ? "queue" : "vhost"}: write vhost/queue (the default vhost is //, e.g. //orders)`;
  if (CONTROL_CHARS.test(destination)) return `"${destination}" holds control characters, which no queue or vhost name may hold`;
  if (new TextEncoder().encode(queue).length > 255) return `queue "${queue.slice(0, 40)}…" is longer than RabbitMQ allows (255 bytes)`;
  if (queue.startsWith("amq.")) return `queue "${queue}" is reserved: names starting with "amq." belong to RabbitMQ (server-named and direct reply-to queues)`;
  if (watched.length > 0 && !watched.includes(vhost)) return `vhost "${vhost}" is not one this cluster watches (${watched.map((v) => `"${v}"`).join(", ")})`;
  return null;
}
