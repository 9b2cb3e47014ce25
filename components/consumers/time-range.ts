// The detail page's time range in the URL: `?range=1h` (moves with the clock) or
// `?from=…&to=…` (absolute ISO: a link from yesterday's alert shows yesterday, exactly).

import type { SeriesRangeKey } from "@/lib/queries/use-consumer-series";

export const RANGE_PRESETS = [
  { key: "15m", seconds: 15 * 60, label: "15 min" },
  { key: "1h", seconds: 60 * 60, label: "1 h" },
  { key: "6h", seconds: 6 * 60 * 60, label: "6 h" },
  { key: "24h", seconds: 24 * 60 * 60, label: "24 h" },
  { key: "7d", seconds: 7 * 24 * 60 * 60, label: "7 d" },
] as const;
export type RangePresetKey = (typeof RANGE_PRESETS)[number]["key"];
export const DEFAULT_RANGE: RangePresetKey = "1h";

export type TimeRange = { kind: "relative"; key: RangePresetKey; seconds: number } | { kind: "absolute"; from: string; to: string };

type ParamsLike = { get(name: string): string | null };

function preset(key: string | null) {
  return RANGE_PRESETS.find((p) => p.key === key);
}

/**
 * An instant from a URL: ISO 8601, or Unix time in seconds (what a Prometheus alert template can
 * compute) or milliseconds. Null when unreadable.
 */
export function parseInstant(v: string | null | undefined): string | null {
  if (!v) return null;
  const s = v.trim();
  let t: number;
  if (/^\d{9,11}(\.\d+)?$/.test(s)) t = Number(s) * 1000;
  else if (/^\d{12,14}$/.test(s)) t = Number(s);
  else t = Date.parse(s);
  if (!Number.isFinite(t)) return null;
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

const isoOrNull = parseInstant;

export function parseTimeRange(sp: ParamsLike): TimeRange {
  const from = isoOrNull(sp.get("from"));
  const to = isoOrNull(sp.get("to"));
  if (from && to && Date.parse(from) < Date.parse(to)) return { kind: "absolute", from, to };
  const p = preset(sp.get("range")) ?? preset(DEFAULT_RANGE)!;
  return { kind: "relative", key: p.key, seconds: p.seconds };
}

/** Writes the range into `sp` (replacing any earlier one); the default range is left out. */
export function writeTimeRange(sp: URLSearchParams, r: TimeRange): URLSearchParams {
  sp.delete("range");
  sp.delete("from");
  sp.delete("to");
  if (r.kind === "absolute") {
    sp.set("from", r.from);
    sp.set("to", r.to);
  } else if (r.key !== DEFAULT_RANGE) {
    sp.set("range", r.key);
  }
  return sp;
}

export function toSeriesKey(r: TimeRange): SeriesRangeKey {
  return r.kind === "absolute" ? { kind: "absolute", from: r.from, to: r.to } : { kind: "relative", seconds: r.seconds };
}

export function relativeRange(key: RangePresetKey): TimeRange {
  const p = preset(key)!;
  return { kind: "relative", key: p.key, seconds: p.seconds };
}

/** The window a range covers right now, in epoch ms. */
export function resolveRange(r: TimeRange, nowMs: number): { from: number; to: number } {
  return r.kind === "absolute" ? { from: Date.parse(r.from), to: Date.parse(r.to) } : { from: nowMs - r.seconds * 1000, to: nowMs };
}

const pad = (n: number) => String(n).padStart(2, "0");

/** ISO → the `datetime-local` input's "YYYY-MM-DDTHH:mm", in the operator's local time. */
export function toLocalInputValue(iso: string | number): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` value (local time) → ISO; null when empty or unreadable. */
export function fromLocalInputValue(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) return null;
  // Without an offset, the Date constructor reads date-time forms as local time.
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
