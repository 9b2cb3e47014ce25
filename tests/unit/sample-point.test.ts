import { describe, expect, it } from "vitest";
import { derivePoint, type RawPoint } from "@/lib/health/sample-point";

// The sampler holds hundreds of thousands of points: each is one object of exactly these fields,
// whatever else the reading it came from carried.

const FIELDS = ["t", "pending", "inFlight", "backlog", "inFlightLimit", "consumerCount", "deliveredTotal", "ackedTotal", "publishedTotal", "redeliveredTotal", "counterEpoch", "ackRate", "deliverRate", "inflowRate", "redeliverRate"];

const raw = (t: number, acked: number, extra: object = {}): RawPoint =>
  ({ t, pending: 5, inFlight: 2, backlog: 7, inFlightLimit: 10, consumerCount: 1, deliveredTotal: acked + 2, ackedTotal: acked, publishedTotal: acked + 7, redeliveredTotal: 0, counterEpoch: "e1", ...extra }) as RawPoint;

describe("derivePoint", () => {
  it("makes points of exactly the sample fields, first, after a reset and with rates", () => {
    const first = derivePoint(undefined, raw(1_000, 100, { stray: "x" }));
    expect(Object.keys(first)).toEqual(FIELDS);
    expect(first).toMatchObject({ t: 1_000, backlog: 7, ackRate: null, deliverRate: null, inflowRate: null, redeliverRate: null });
    const next = derivePoint(first, raw(11_000, 150, { stray: "y" }));
    expect(Object.keys(next)).toEqual(FIELDS);
    expect(next).toMatchObject({ t: 11_000, ackedTotal: 150, ackRate: 5, deliverRate: 5, inflowRate: 5, redeliverRate: 0 });
    const reset = derivePoint(next, raw(21_000, 3));
    expect(Object.keys(reset)).toEqual(FIELDS);
    expect(reset).toMatchObject({ ackedTotal: 3, ackRate: null, inflowRate: null });
  });
});
