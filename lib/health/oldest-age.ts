// Time lag: the age of the oldest waiting message, as the broker tells it or, where it cannot, as an
// estimate from the backlog and how fast work completes (Little's law: waiting time ≈ backlog ÷
// throughput), always labelled as an estimate. Pure, client-safe.

import { formatDuration } from "./evaluate-health";
import { meanRate, type SamplePoint } from "./sample-point";

export type OldestAge = {
  /** Seconds; null when nothing waits, or it is neither told nor estimable. */
  seconds: number | null;
  /** True when `seconds` is backlog ÷ ack rate, not the broker's own figure. */
  estimated: boolean;
  /** Why the broker does not tell it, when messages wait and it does not. */
  note: string | null;
};

export function resolveOldestAge(input: { backlog: number; measured: number | null; note: string | null; window: SamplePoint[]; now: number; windowSeconds: number }): OldestAge {
  if (input.measured !== null) return { seconds: input.measured, estimated: false, note: null };
  if (input.backlog === 0) return { seconds: null, estimated: false, note: null };
  const note = input.note ?? "the broker does not tell the oldest message's age";
  const rate = meanRate(input.window, input.now - input.windowSeconds * 1000, "ackRate");
  if (rate === null || rate <= 0.001) return { seconds: null, estimated: false, note: `${note}; no acks in the window to estimate it from` };
  return { seconds: Math.round(input.backlog / rate), estimated: true, note };
}

/** "14 min", or "~14 min (estimate)". */
export function describeOldestAge(a: Pick<OldestAge, "seconds" | "estimated">): string | null {
  if (a.seconds === null) return null;
  const d = formatDuration(a.seconds * 1000);
  return a.estimated ? `~${d} (estimate)` : d;
}

/**
 * "backlog 1,204, draining 3/s" → "backlog 1,204, oldest waiting 14 min, draining 3/s"; other reasons
 * get it appended. Only the broker's own figure goes into the reason (which alerts quote): an
 * estimate is shown beside it, labelled, never stated as the reason.
 */
export function withOldestAge(reason: string, a: Pick<OldestAge, "seconds" | "estimated">): string {
  const d = a.estimated ? null : describeOldestAge(a);
  if (d === null) return reason;
  const m = /^backlog \d{1,3}(?:,\d{3})*/.exec(reason);
  if (m) return `${m[0]}, oldest waiting ${d}${reason.slice(m[0].length)}`;
  return `${reason}; oldest waiting ${d}`;
}
