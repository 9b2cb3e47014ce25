// The health gate's decision, pure: what a requeue job should do next given what its letters and
// its destinations' consumers show. The runner asks before each chunk (see job-gate.ts).
// Client-safe: no server imports, so it is tested without services.

/** Consumer states that pause a job when they begin while it runs. */
const GATE_STATES = ["STOPPED", "STALLED", "FAILING"] as const;

export type WatchedConsumer = {
  /** "queue orders (vhost /) on prod-rmq" */
  label: string;
  state: string;
  since: Date;
  reason: string;
};

export type GateFacts = {
  now: Date;
  state: "running" | "paused";
  /** Who paused it, when paused: "operator", "gate" or "canary". */
  pausedBy: string | null;
  /** What the gate judges is since this moment: the job's start, then each resume. */
  watchSince: Date;
  /** A consumer state that began this soon after watchSince does not pause the job (default 0). */
  stateGraceMs?: number;
  /** Letters the broker confirmed since watchSince, and how many of those came back dead. */
  sent: number;
  bounced: number;
  /** The most common reason the bounced letters died with ("rejected"), if any. */
  bounceReason: string | null;
  /** 0..1 and the minimum sent before the rate counts. */
  threshold: number;
  minSent: number;
  consumers: WatchedConsumer[];
  /** Resume by itself once every watched consumer has been healthy this long; null: never. */
  autoResumeMs: number | null;
  /** When the last letter of this job came back dead (any time), for auto-resume. */
  lastBounceAt: Date | null;
};

export type GateDecision = { kind: "go" } | { kind: "pause"; reason: string } | { kind: "resume"; reason: string } | { kind: "stay" };

const pct = (x: number) => `${Math.round(x * 1000) / 10} %`;
const hhmmss = (d: Date) => d.toISOString().slice(11, 19);

/** Minutes or seconds, for a sentence. */
function spoken(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 120 ? `${m} min` : `${Math.round(m / 60)} h`;
}

export function decideGate(f: GateFacts): GateDecision {
  if (f.state === "running") {
    if (f.sent >= f.minSent && f.sent > 0 && f.bounced / f.sent > f.threshold) {
      const why = f.bounceReason ? ` (${f.bounceReason})` : "";
      return {
        kind: "pause",
        reason: `Paused itself: ${f.bounced} of the ${f.sent} letters sent since ${hhmmss(f.watchSince)} UTC came back dead${why}, ${pct(f.bounced / f.sent)}, above the ${pct(f.threshold)} threshold.`,
      };
    }
    // Only a bad state that began while the job was watching: one it started (or was resumed) into
    // is the operator's informed choice, and a consumer still FAILING from the incident being
    // cleaned up would otherwise stop every requeue at once.
    // A state the sampler reports within `stateGraceMs` of the start rests on rates measured over a
    // window reaching back before it (a fresh replica's first readings of an incident's inflow):
    // that is not this job's doing, and the bounce rate still watches the job's own letters.
    const from = f.watchSince.getTime() + (f.stateGraceMs ?? 0);
    const bad = f.consumers.find((c) => (GATE_STATES as readonly string[]).includes(c.state) && c.since.getTime() >= from);
    if (bad) return { kind: "pause", reason: `Paused itself: ${bad.label} turned ${bad.state} at ${hhmmss(bad.since)} UTC (${bad.reason}).` };
    return { kind: "go" };
  }
  // Paused: an operator's pause is theirs to lift; the gate's and the canary's may lift themselves.
  if (f.pausedBy === "operator" || f.pausedBy === null || f.autoResumeMs === null) return { kind: "stay" };
  if (f.consumers.length === 0) return { kind: "stay" };
  const healthySince = (c: WatchedConsumer) => (c.state === "OK" || c.state === "LAGGING" ? c.since.getTime() : Infinity);
  const since = Math.max(...f.consumers.map(healthySince), f.lastBounceAt?.getTime() ?? 0);
  if (!Number.isFinite(since) || f.now.getTime() - since < f.autoResumeMs) return { kind: "stay" };
  return {
    kind: "resume",
    reason: `Resumed itself: its destinations have been healthy and nothing came back dead for ${spoken(f.now.getTime() - since)} (asked for ${spoken(f.autoResumeMs)}).`,
  };
}

/**
 * How far the gate counts the letters sent: a job pauses when at least `minSent` were sent and more
 * than `threshold` of them came back, so once the count passes both `minSent` and
 * bounced ÷ threshold, no larger count can change the decision, and the capped count, given to
 * decideGate, decides the same. A pause's reason names the count, which is then below the cap, so
 * exact. null (count them all) for a threshold of 0.
 */
export function sentCountCap(bounced: number, threshold: number, minSent: number): number | null {
  if (!(threshold > 0)) return null;
  const cap = Math.max(minSent, Math.ceil(bounced / threshold)) + 1;
  // A LIMIT is an int here: past that, every letter is counted anyway.
  return cap < 2 ** 31 - 1 ? cap : null;
}
