// One consumer's recent sample points, kept as numbers in a Float64Array ring instead of one object per
// point. The sampling leader holds every consumer's last 320 s of points (384,000 at 12,000
// consumers). Measured with heapUsed and arrayBuffers at that size: as objects, whose fractional
// numbers V8 boxes one by one, 263 bytes a point (96 MiB); here, fourteen 8-byte numbers and a shared
// epoch reference, 140 bytes a point with every consumer's ring and map entry counted (51 MiB).
// Points are made into objects again only while one consumer is being judged (`points()`).
//
// Exact: every number is kept as a float64, as it was; null is kept as NaN, which no reading or
// derived rate is (counters are integers, rates are finite quotients), so a NaN read back is null.
import type { SamplePoint } from "../sample-point";

const T = 0;
const PENDING = 1;
const IN_FLIGHT = 2;
const BACKLOG = 3;
const IN_FLIGHT_LIMIT = 4;
const CONSUMER_COUNT = 5;
const DELIVERED_TOTAL = 6;
const ACKED_TOTAL = 7;
const PUBLISHED_TOTAL = 8;
const REDELIVERED_TOTAL = 9;
const ACK_RATE = 10;
const DELIVER_RATE = 11;
const INFLOW_RATE = 12;
const REDELIVER_RATE = 13;
/** Numbers a point takes in the ring. */
export const POINT_STRIDE = 14;

const orNaN = (v: number | null): number => (v === null ? NaN : v);
const orNull = (v: number): number | null => (Number.isNaN(v) ? null : v);

export class PointRing {
  private values: Float64Array;
  /** Each point's counter epoch; a point with the same epoch as the one before shares its string. */
  private epochs: Array<string | null>;
  private head = 0;
  length = 0;

  /** `capacity`: the points it is expected to hold (it grows, a quarter at a time, when it must). */
  constructor(capacity: number) {
    const cap = Math.max(2, Math.ceil(capacity));
    this.values = new Float64Array(cap * POINT_STRIDE);
    this.epochs = new Array<string | null>(cap).fill(null);
  }

  get capacity(): number {
    return this.epochs.length;
  }

  private slot(i: number): number {
    return (this.head + i) % this.capacity;
  }

  private grow(): void {
    const cap = this.capacity;
    const next = cap + Math.max(2, Math.ceil(cap / 4));
    const values = new Float64Array(next * POINT_STRIDE);
    const epochs = new Array<string | null>(next).fill(null);
    for (let i = 0; i < this.length; i++) {
      const from = this.slot(i);
      values.set(this.values.subarray(from * POINT_STRIDE, (from + 1) * POINT_STRIDE), i * POINT_STRIDE);
      epochs[i] = this.epochs[from] ?? null;
    }
    this.values = values;
    this.epochs = epochs;
    this.head = 0;
  }

  /** Adds the newest point, then drops points older than `keepMs` before it, keeping at least two. */
  push(p: SamplePoint, keepMs: number): void {
    if (this.length === this.capacity) this.grow();
    const s = this.slot(this.length);
    const o = s * POINT_STRIDE;
    const v = this.values;
    v[o + T] = p.t;
    v[o + PENDING] = p.pending;
    v[o + IN_FLIGHT] = p.inFlight;
    v[o + BACKLOG] = p.backlog;
    v[o + IN_FLIGHT_LIMIT] = orNaN(p.inFlightLimit);
    v[o + CONSUMER_COUNT] = p.consumerCount;
    v[o + DELIVERED_TOTAL] = orNaN(p.deliveredTotal);
    v[o + ACKED_TOTAL] = orNaN(p.ackedTotal);
    v[o + PUBLISHED_TOTAL] = orNaN(p.publishedTotal);
    v[o + REDELIVERED_TOTAL] = orNaN(p.redeliveredTotal);
    v[o + ACK_RATE] = orNaN(p.ackRate);
    v[o + DELIVER_RATE] = orNaN(p.deliverRate);
    v[o + INFLOW_RATE] = orNaN(p.inflowRate);
    v[o + REDELIVER_RATE] = orNaN(p.redeliverRate);
    const before = this.length > 0 ? (this.epochs[this.slot(this.length - 1)] ?? null) : null;
    this.epochs[s] = before !== null && before === p.counterEpoch ? before : p.counterEpoch;
    this.length++;
    const cutoff = p.t - keepMs;
    while (this.length > 2 && v[this.head * POINT_STRIDE + T]! < cutoff) {
      this.epochs[this.head] = null;
      this.head = (this.head + 1) % this.capacity;
      this.length--;
    }
  }

  /** The i-th point, oldest first, as an object of its own. */
  at(i: number): SamplePoint {
    const s = this.slot(i);
    const o = s * POINT_STRIDE;
    const v = this.values;
    return {
      t: v[o + T]!,
      pending: v[o + PENDING]!,
      inFlight: v[o + IN_FLIGHT]!,
      backlog: v[o + BACKLOG]!,
      inFlightLimit: orNull(v[o + IN_FLIGHT_LIMIT]!),
      consumerCount: v[o + CONSUMER_COUNT]!,
      deliveredTotal: orNull(v[o + DELIVERED_TOTAL]!),
      ackedTotal: orNull(v[o + ACKED_TOTAL]!),
      publishedTotal: orNull(v[o + PUBLISHED_TOTAL]!),
      redeliveredTotal: orNull(v[o + REDELIVERED_TOTAL]!),
      counterEpoch: this.epochs[s] ?? null,
      ackRate: orNull(v[o + ACK_RATE]!),
      deliverRate: orNull(v[o + DELIVER_RATE]!),
      inflowRate: orNull(v[o + INFLOW_RATE]!),
      redeliverRate: orNull(v[o + REDELIVER_RATE]!),
    };
  }

  /** Every point, oldest first, as objects made now (the caller may keep or change them). */
  points(): SamplePoint[] {
    const out = new Array<SamplePoint>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.at(i);
    return out;
  }
}
