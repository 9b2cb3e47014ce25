// The value axis: round ticks (0, 2, 4, 6 — not 0.0045, 0.009) and rates in a unit that keeps them readable.

/** Round ticks from 0 to at least `max`: steps of 1, 2 or 5 × 10ⁿ, about `target` of them; integers only when asked. */
export function niceTicks(max: number, target = 4, integer = false): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1];
  const raw = max / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  if (integer) step = Math.max(1, Math.ceil(step));
  const ticks: number[] = [];
  // Decimals of the step, so 0.1 + 0.2 prints 0.3, not 0.30000000000000004.
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  for (let i = 0; ticks.length === 0 || ticks[ticks.length - 1]! < max; i++) ticks.push(Number((i * step).toFixed(decimals)));
  return ticks;
}

/** An axis label with no more precision than its step needs. */
export function formatTick(v: number, ticks: number[]): string {
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : 1;
  const decimals = step >= 1 ? 0 : Math.min(3, Math.max(0, -Math.floor(Math.log10(step))));
  if (Math.abs(v) >= 10_000) return new Intl.NumberFormat("en-US", { notation: "compact", maximumSignificantDigits: 3 }).format(v);
  return new Intl.NumberFormat("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(v);
}

export type RateUnit = { perSecond: number; suffix: "/s" | "/min"; word: "second" | "minute" };

/** Per second while rates reach 1/s; per minute for trickles (0.0045/s reads 0.27/min). */
export function chooseRateUnit(maxPerSecond: number): RateUnit {
  if (maxPerSecond >= 1 || !(maxPerSecond > 0)) return { perSecond: 1, suffix: "/s", word: "second" };
  return { perSecond: 60, suffix: "/min", word: "minute" };
}
