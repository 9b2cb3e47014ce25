import type { HealthState } from "./types";

// How much a consumer's trouble matters, for "worst first" lists. Pure and client-safe.
// A state alone does not rank: a LAGGING queue 5,000 deep and rising matters more than a STOPPED one
// holding a single message. Each term is logarithmic, so no one of them drowns the others.

/** What the state alone weighs: a consumer that does no work outweighs one that is slow. OK weighs nothing. */
export const STATE_WEIGHT: Record<HealthState, number> = { MISSING: 30, STOPPED: 25, STALLED: 25, FAILING: 25, LAGGING: 20, UNKNOWN: 10, OK: 0 };

export type ImpactInput = {
  state: HealthState;
  backlog: number;
  /** Messages per second the backlog grows by (0 or less when it does not). */
  growthPerSecond: number | null;
  /** How long the consumer has been in this state. */
  secondsInState: number;
};

/** Higher is worse; 0 for an OK consumer. */
export function scoreImpact(c: ImpactInput): number {
  if (c.state === "OK") return 0;
  const backlog = 10 * Math.log10(1 + Math.max(0, c.backlog));
  const growth = 5 * Math.log10(1 + Math.max(0, c.growthPerSecond ?? 0) * 60);
  const lasting = 3 * Math.log10(1 + Math.max(0, c.secondsInState) / 60);
  return Math.round((STATE_WEIGHT[c.state] + backlog + growth + lasting) * 100) / 100;
}
