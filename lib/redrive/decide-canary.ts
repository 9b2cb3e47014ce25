// The canary's decision, pure: a bulk requeue sends its first letters alone, waits until the
// destination has consumed them (or a timeout), and goes on only if none came back dead.
// Client-safe: no server imports.

export type CanaryFacts = {
  now: Date;
  size: number;
  /** Canary letters taken by the runner so far (in flight or answered): a runner with chunks still awaiting confirms must not take more. */
  taken: number;
  /** Canary letters the broker has answered for (done, failed, unknown, skipped). */
  settled: number;
  /** Canary letters the broker confirmed. */
  done: number;
  /** Canary letters that came back dead, and the most common reason. */
  bounced: number;
  bounceReason: string | null;
  /** When the last canary letter was settled (null while some are still to go). */
  sentAt: Date | null;
  /** Whether the destination's consumers show they took the canary: acks advanced by its size, or the backlog emptied, in a sample taken after it was sent. */
  consumed: boolean;
  settleMs: number;
  timeoutMs: number;
};

export type CanaryDecision =
  /** Send at most this many more letters (the rest of the canary). */
  { kind: "send"; limit: number } | { kind: "wait"; detail: string } | { kind: "pass"; detail: string } | { kind: "fail"; detail: string };

export function decideCanary(f: CanaryFacts): CanaryDecision {
  const n = `${f.size} canary letter${f.size === 1 ? "" : "s"}`;
  if (f.bounced > 0) {
    return {
      kind: "fail",
      detail: `Canary failed: ${f.bounced} of the ${n} came back dead${f.bounceReason ? ` (${f.bounceReason})` : ""}; the other letters were not sent.`,
    };
  }
  if (f.settled < f.size || f.sentAt === null) {
    if (f.taken < f.size) return { kind: "send", limit: f.size - f.taken };
    return { kind: "wait", detail: `Canary: ${f.settled} of ${n} confirmed by the broker; waiting for the rest.` };
  }
  if (f.done === 0) return { kind: "fail", detail: `Canary failed: none of the ${n} reached the broker; the other letters were not sent.` };
  const waited = f.now.getTime() - f.sentAt.getTime();
  if (waited >= f.settleMs && f.consumed)
    return { kind: "pass", detail: `Canary passed: the destination consumed the ${n} and none came back dead within ${Math.round(waited / 1000)} s.` };
  if (waited >= f.timeoutMs) {
    return {
      kind: "pass",
      detail: `Canary passed on timeout: none of the ${n} came back dead within ${Math.round(waited / 1000)} s, though the destination's counters did not show them consumed.`,
    };
  }
  return {
    kind: "wait",
    detail: `Canary: ${f.done} of ${n} sent ${Math.round(waited / 1000)} s ago; waiting for the destination to consume them and none to come back dead.`,
  };
}
