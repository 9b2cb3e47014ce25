// Pure formatting for consumer health: numbers, rates, ETAs, ages and config values.
// One fixed locale, so "12,400" reads the same on every operator's screen and in tests.

import { labelsByKind, type BrokerKind } from "@/lib/brokers/contracts";
import { HEALTH_STATES, STATE_SEVERITY, type HealthState } from "@/lib/health/types";

const INTEGER = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const ONE_DECIMAL = new Intl.NumberFormat("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const PERCENT = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 });

export const DASH = "—";

export const KIND_LABEL: Record<BrokerKind, string> = labelsByKind((l) => l.kind);
/** What the parent is on each broker, for "stream ORDERS" / "vhost /". */
export const PARENT_LABEL: Record<BrokerKind, string> = labelsByKind((l) => l.parent);

export const STATE_LABEL: Record<HealthState, string> = {
  OK: "OK",
  LAGGING: "Lagging",
  STALLED: "Stalled",
  STOPPED: "Stopped",
  FAILING: "Failing",
  UNKNOWN: "Unknown",
  MISSING: "Missing",
};

/** 12400 → "12,400". */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  return INTEGER.format(n);
}

/** Per-second rate: one decimal under 10 ("3.5"), whole numbers above ("1,240"); null → "—". */
export function formatRate(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  if (n === 0) return "0";
  const abs = Math.abs(n);
  // A trickle is not nothing: "0.0" would read as idle.
  if (abs < 0.05) return n > 0 ? "<0.1" : ">-0.1";
  // Decide on the rounded value, so 9.96 reads "10" like 10.04 does, not "10.0".
  return Math.round(abs * 10) / 10 < 10 ? ONE_DECIMAL.format(n) : INTEGER.format(n);
}

/** A span of seconds in the largest units that matter: "45 s", "12 min", "2 h 5 min", "3 d". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  return `${Math.floor(h / 24)} d`;
}

/**
 * Time to drain at the current net drain rate: "drained" at 0, "not draining" for null.
 * Rounded up: an ETA that promises too early is worse than one a minute late.
 */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "not draining";
  if (seconds <= 0) return "drained";
  if (seconds < 60) return "under 1 min";
  return formatDuration(Math.ceil(seconds / 60) * 60);
}

/** A consumer's time to drain as the lists show it: none for a DLQ or Redrive's capture, which nothing is meant to drain; "not draining" while nobody consumes. */
export function consumerEta(c: { etaSeconds: number | null; role: string | null; state?: HealthState }): string {
  if (c.role) return DASH;
  return c.state === "STOPPED" || c.state === "MISSING" ? formatEta(null) : formatEta(c.etaSeconds);
}

/** Time lag as the lists show it: "14 min", "~14 min" for an estimate, a dash when unknown or nothing waits. */
export function formatOldestAge(c: { oldestAgeSeconds: number | null; oldestAgeEstimated: boolean }): string {
  if (c.oldestAgeSeconds === null) return DASH;
  return `${c.oldestAgeEstimated ? "~" : ""}${formatDuration(c.oldestAgeSeconds)}`;
}

/** Age of a reading, e.g. "8 s", "3 min"; "never" when there is none. */
export function formatAge(fromIso: string | null | undefined, nowMs: number): string {
  if (!fromIso) return "never";
  const t = Date.parse(fromIso);
  if (Number.isNaN(t)) return DASH;
  return formatDuration((nowMs - t) / 1000);
}

/** A sample older than three sampler ticks is stale: the value shown may no longer be true. */
export const STALE_AFTER_SECONDS = 30;

export function isStale(fromIso: string | null | undefined, nowMs: number): boolean {
  if (!fromIso) return true;
  const t = Date.parse(fromIso);
  return Number.isNaN(t) || nowMs - t > STALE_AFTER_SECONDS * 1000;
}

/** "12 / 50"; just "12" when the broker sets no limit. */
export function formatInFlight(inFlight: number, limit: number | null): string {
  return limit === null ? formatCount(inFlight) : `${formatCount(inFlight)} / ${formatCount(limit)}`;
}

export function formatPercent(ratio: number): string {
  return PERCENT.format(ratio);
}

/** A broker config value as plain text: strings as they are, anything structured as JSON. */
export function formatConfigValue(value: unknown): string {
  if (value === null || value === undefined) return DASH;
  if (typeof value === "string") return value === "" ? '""' : value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  try {
    const compact = JSON.stringify(value);
    if (compact === undefined) return String(value);
    return compact.length <= 60 ? compact : JSON.stringify(value, null, 2);
  } catch {
    return String(value);
  }
}

export function countByState(items: ReadonlyArray<{ state: HealthState }>): Record<HealthState, number> {
  const counts = Object.fromEntries(HEALTH_STATES.map((s) => [s, 0])) as Record<HealthState, number>;
  for (const item of items) counts[item.state] += 1;
  return counts;
}

/** States worst first, as an operator reads them. */
export const STATES_WORST_FIRST: readonly HealthState[] = [...HEALTH_STATES].sort((a, b) => STATE_SEVERITY[a] - STATE_SEVERITY[b]);

/**
 * The count line: "1,234 consumers · 12 stopped · 3 stalled · 1,219 ok", worst first, zero counts
 * left out. `counts` cover the rows received; when the server holds more than it sent, the line
 * says the counts are of those rows only, not of the total.
 */
export function summarizeCounts(counts: Record<HealthState, number>, total: number, shown: number): string {
  const parts: string[] = [];
  for (const state of STATES_WORST_FIRST) {
    const n = counts[state];
    if (n > 0) parts.push(`${formatCount(n)} ${STATE_LABEL[state].toLowerCase()}`);
  }
  const head = `${formatCount(total)} consumer${total === 1 ? "" : "s"}`;
  if (shown >= total) return [head, ...parts].join(" · ");
  return `${head}; the first ${formatCount(shown)} shown${parts.length ? `: ${parts.join(" · ")}` : ""}. Narrow the filters to see the rest.`;
}

/** What a chart's rates were measured over, from the series the server chose. */
export function describeSeriesWindow(source: "raw" | "rollup", stepSeconds: number, per: "second" | "minute" | "hour" = "second"): string {
  if (source === "raw") return `rates per ${per}, over ${formatDuration(stepSeconds)} samples`;
  return `rates per ${per}, ${describeBuckets(stepSeconds)}`;
}

/** How a level (backlog, in flight, consumers) was read: "sampled every 10 s" or "1-minute averages". */
export function describeSampling(source: "raw" | "rollup", stepSeconds: number): string {
  return source === "raw" ? `sampled every ${formatDuration(stepSeconds)}` : describeBuckets(stepSeconds);
}

function describeBuckets(stepSeconds: number): string {
  const minutes = Math.max(1, Math.round(stepSeconds / 60));
  return minutes === 1 ? "1-minute averages" : `${formatCount(minutes)}-minute averages`;
}

/** Why the Overview shows no consumer: none sampled yet, none found, or the sweeps failing (and how). */
export function describeNoConsumers(sampledAt: string | null, sweepErrors: ReadonlyArray<{ cluster: string; error: string }>): string {
  if (sweepErrors.length > 0) {
    const names = sweepErrors.map((e) => e.cluster).join(", ");
    return `Sampling ${names} fails (see above); consumers show here after the first sweep that succeeds.`;
  }
  if (sampledAt) return "The last sample found no JetStream consumer and no RabbitMQ queue.";
  return "The sampler reads every JetStream consumer and RabbitMQ queue every 10 s; the first ones show here within a few seconds of start-up.";
}
