// Silent-stuck findings: named problems of a consumer that looks connected but does nothing, each
// with a one-line remediation naming the broker's own command to confirm it. Pure: read from the
// window of samples and the latest reading's signals.

import { BROKER_CAPABILITIES, unknownKind, type BrokerKind } from "@/lib/brokers/contracts";
import type { ConsumerSignals } from "@/lib/brokers/types";
import { shellArg as q } from "./remediation";
import type { SamplePoint } from "./sample-point";
import type { Finding, FindingCode } from "./types";

export type Detected = Omit<Finding, "since"> & { startedAt: number };

export type DetectInput = {
  kind: BrokerKind;
  parent: string;
  name: string;
  window: SamplePoint[];
  signals: ConsumerSignals | null;
  /** A counter-based finding must hold over at least this long (one sampling interval). */
  minRunMs: number;
  /** NATS push consumers' deliver subject, for the text. */
  deliverSubject?: string | null;
  /** NATS: the consumer's max_deliver (null or ≤ 0: unlimited) and messages redelivered and not yet acked now. */
  maxDeliver?: number | null;
  redeliveredNow?: number | null;
  /** NATS: why Redrive captures no max-delivery advisories on this cluster; null when it does. */
  captureMissing?: string | null;
};

const fmt = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** When the run of points (ending at the last) where `holds(prev, cur)` started; null when it does not hold now or for long enough. */
function runStart(points: SamplePoint[], holds: (prev: SamplePoint, cur: SamplePoint) => boolean, minRunMs: number): number | null {
  const n = points.length;
  if (n < 2 || !holds(points[n - 2]!, points[n - 1]!)) return null;
  let start = points[n - 2]!.t;
  for (let i = n - 2; i >= 1 && holds(points[i - 1]!, points[i]!); i--) start = points[i - 1]!.t;
  return points[n - 1]!.t - start >= minRunMs ? start : null;
}

const sameEpoch = (a: SamplePoint, b: SamplePoint) => a.counterEpoch === b.counterEpoch;

export function detectFindings(input: DetectInput): Detected[] {
  const { kind, parent, name, window: w, signals, minRunMs } = input;
  const last = w[w.length - 1];
  if (!last) return [];
  const out: Detected[] = [];
  const info = `nats consumer info ${q(parent)} ${q(name)}`;
  const add = (code: FindingCode, startedAt: number, text: string, remediation: string) => out.push({ code, startedAt, text, remediation });

  // In flight at the limit and the ack counter flat: nothing new will be delivered.
  const pinned = runStart(
    w,
    (a, b) => sameEpoch(a, b) && b.inFlightLimit !== null && b.inFlightLimit > 0 && b.inFlight >= b.inFlightLimit && a.ackedTotal !== null && a.ackedTotal === b.ackedTotal,
    minRunMs,
  );
  if (pinned !== null) {
    const what = `in flight pinned at its limit (${fmt.format(last.inFlight)} of ${fmt.format(last.inFlightLimit ?? 0)}) with no acks`;
    switch (kind) {
      case "nats":
        add("ack-pending-pinned", pinned, what, `${info}: Outstanding Acks equals Max Ack Pending, so nothing new is delivered until the workers ack`);
        break;
      case "rabbitmq":
        add("ack-pending-pinned", pinned, what, `rabbitmqctl list_channels -p ${q(parent)} name messages_unacknowledged prefetch_count: unacknowledged equals prefetch and does not move`);
        break;
      default:
        unknownKind(kind);
    }
  }

  // Redeliveries climbing while no new message is delivered: the same messages go round.
  const loop = runStart(
    w,
    (a, b) => sameEpoch(a, b) && b.backlog > 0 && b.redeliverRate !== null && b.redeliverRate > 0 && b.deliverRate !== null && b.deliverRate - b.redeliverRate <= 0.001,
    minRunMs,
  );
  if (loop !== null) {
    const what = `redeliveries climbing (${(last.redeliverRate ?? 0).toFixed(1)}/s) while no new message is delivered`;
    switch (kind) {
      case "nats":
        add("redelivery-loop", loop, what, `${info}: Redelivered Messages rises while Unprocessed Messages does not fall; the handlers nak or time out`);
        break;
      case "rabbitmq":
        add("redelivery-loop", loop, what, `rabbitmqctl list_queues -p ${q(parent)} name messages_ready messages_unacknowledged: the same messages are requeued (nack/reject with requeue)`);
        break;
      default:
        unknownKind(kind);
    }
  }

  // NATS pull: requests are waiting and messages are pending, yet nothing is delivered.
  if (signals?.numWaiting !== null && signals?.numWaiting !== undefined && signals.numWaiting > 0) {
    const unserved = runStart(
      w,
      (a, b) => sameEpoch(a, b) && b.pending > 0 && a.deliveredTotal !== null && a.deliveredTotal === b.deliveredTotal && (b.inFlightLimit === null || b.inFlight < b.inFlightLimit),
      minRunMs,
    );
    if (unserved !== null) {
      add(
        "pulls-unserved",
        unserved,
        `${fmt.format(signals.numWaiting)} pull request${signals.numWaiting === 1 ? "" : "s"} waiting while ${fmt.format(last.pending)} pending messages are not delivered`,
        `${info}: Waiting Pulls and Unprocessed Messages both above 0; check the pulls' max_bytes and batch against the messages`,
      );
    }
  }

  if (signals?.pushBound === false) {
    const subject = input.deliverSubject ? ` (no subscriber on ${input.deliverSubject})` : "";
    add("push-unbound", last.t, `push consumer bound to nobody${subject}`, `${info}: Active Interest is No; start the subscriber on its deliver subject`);
  }

  if (signals?.unboundedConsumers !== null && signals?.unboundedConsumers !== undefined && signals.unboundedConsumers > 0) {
    const n = signals.unboundedConsumers;
    add(
      "prefetch-unbounded",
      last.t,
      `${n} consumer${n === 1 ? "" : "s"} with prefetch 0 (unbounded): the broker pushes it every message it has`,
      `rabbitmqctl list_consumers -p ${q(parent)}: prefetch_count 0 with ack_required true; set basic.qos on the consumer's channel`,
    );
  }
  // NATS drops a message from the consumer at max_deliver; only the advisory tells. Messages are being
  // redelivered towards that limit and nothing captures the advisories: they would leave no trace.
  if (BROKER_CAPABILITIES[kind].deadLettersByAdvisory && input.captureMissing && input.maxDeliver && input.maxDeliver > 0 && (input.redeliveredNow ?? 0) > 0) {
    add(
      "max-deliver-uncaptured",
      last.t,
      `${fmt.format(input.redeliveredNow ?? 0)} redelivered toward max_deliver ${input.maxDeliver}, and ${input.captureMissing}: messages that reach it leave no dead letter`,
      `nats consumer info ${q(parent)} ${q(name)}: Redelivered Messages above 0 with Max Deliver set; watch \`nats event --js-advisory\` or enable the capture`,
    );
  }

  // Single active consumer: the active one completes nothing while the others wait forever behind it.
  if (signals?.waitingConsumers !== null && signals?.waitingConsumers !== undefined && signals.waitingConsumers > 0) {
    const stuck = runStart(w, (a, b) => sameEpoch(a, b) && b.backlog > 0 && a.ackedTotal !== null && a.ackedTotal === b.ackedTotal, minRunMs);
    if (stuck !== null) {
      const n = signals.waitingConsumers;
      add(
        "single-active-stuck",
        stuck,
        `single active consumer completes nothing while ${n} consumer${n === 1 ? "" : "s"} wait${n === 1 ? "s" : ""} behind it`,
        `rabbitmqctl list_consumers -p ${q(parent)}: one consumer is active (single_active) and the rest waiting; restart or cancel the active one`,
      );
    }
  }
  return out;
}

/** Keeps each finding's first "since" across sweeps; a finding that clears and returns starts again. */
export function carrySince(detected: Detected[], previous: ReadonlyMap<FindingCode, number>): Finding[] {
  return detected.map(({ startedAt, ...f }) => ({ ...f, since: new Date(Math.min(startedAt, previous.get(f.code) ?? startedAt)).toISOString() }));
}
