// Refused requests (401, 403, sign-ins past their limit) are audited, but an attacker decides how
// many there are: each one written would let anyone grow the audit log at the rate they can send
// requests. So per minute, per kind of refusal (route and reason), only the first few are written
// in full, with a ceiling over all kinds together; the rest are counted, and each minute that
// dropped any leaves one summary row with the counts. At most `perKey` × kinds, never more than
// `total`, plus one summary row a minute per process. Pure: the caller writes what `note` and
// `roll` hand back.

export type SamplerLimits = { perKey: number; total: number; windowMs: number; maxKeys: number };
export const DEFAULT_SAMPLER_LIMITS: SamplerLimits = { perKey: 5, total: 30, windowMs: 60_000, maxKeys: 200 };

/** What to write for a minute that dropped rows: when it began and how many were left out, by kind. */
export type RefusalSummary = { windowStart: Date; windowMs: number; written: number; dropped: Record<string, number> };

export class RefusalSampler {
  private window = -1;
  private written = new Map<string, number>();
  private writtenTotal = 0;
  private dropped = new Map<string, number>();

  constructor(private readonly limits: SamplerLimits = DEFAULT_SAMPLER_LIMITS) {}

  /**
   * Notes one refusal of kind `key` at `now`. Returns whether to write it in full, and the summary
   * of the previous minute when this call is the first of a new one.
   */
  note(key: string, now: number): { write: boolean; summary: RefusalSummary | null } {
    const summary = this.roll(now);
    const kind = this.written.has(key) || this.dropped.has(key) || this.written.size + this.dropped.size < this.limits.maxKeys ? key : "(other)";
    const mine = this.written.get(kind) ?? 0;
    if (mine < this.limits.perKey && this.writtenTotal < this.limits.total) {
      this.written.set(kind, mine + 1);
      this.writtenTotal++;
      return { write: true, summary };
    }
    this.dropped.set(kind, (this.dropped.get(kind) ?? 0) + 1);
    return { write: false, summary };
  }

  /** Closes the minute if `now` is past it: its summary when it dropped anything, else null. */
  roll(now: number): RefusalSummary | null {
    const window = Math.floor(now / this.limits.windowMs);
    if (window === this.window) return null;
    const closing = this.window;
    const summary: RefusalSummary | null =
      closing >= 0 && this.dropped.size > 0
        ? { windowStart: new Date(closing * this.limits.windowMs), windowMs: this.limits.windowMs, written: this.writtenTotal, dropped: Object.fromEntries(this.dropped) }
        : null;
    this.window = window;
    this.written = new Map();
    this.dropped = new Map();
    this.writtenTotal = 0;
    return summary;
  }
}
