import { describe, expect, it } from "vitest";
import { absentReason, detachedReason, expectationFor, splitKey, unmetByName, type Expectation } from "@/lib/health/expected-consumers";

const e = (key: string, minConsumers = 1): Expectation => ({ cluster: "c", key, minConsumers });

describe("expected consumers", () => {
  it("match by exact key or by pattern, the strictest minimum winning", () => {
    const list = [e("ORDERS/worker-*"), e("ORDERS/worker-2", 3), e("orders/billing")];
    expect(expectationFor(list, "ORDERS/worker-1")?.minConsumers).toBe(1);
    expect(expectationFor(list, "ORDERS/worker-2")?.minConsumers).toBe(3);
    expect(expectationFor(list, "orders/billing-x")).toBeNull();
    expect(unmetByName(list, ["ORDERS/worker-1"]).map((x) => x.key)).toEqual(["ORDERS/worker-2", "orders/billing"]);
  });

  it("say why they are MISSING: detached, absent, or gone", () => {
    expect(detachedReason(e("a/b", 2), 2, 10)).toBeNull();
    expect(detachedReason(e("a/b", 2), 1, 0)).toBe("expected 2 consumers attached, 1 is");
    expect(detachedReason(e("a/b"), 0, 1204)).toBe("expected 1 consumer attached, none is, backlog 1,204");
    expect(absentReason(e("a/b"), null)).toBe("a/b does not exist on the broker; it is expected");
    expect(absentReason(e("a/b-*"), null)).toBe("no consumer matching a/b-* on the broker; it is expected");
    expect(absentReason(e("a/b"), new Date("2026-12-06T10:00:00Z"))).toBe("a/b does not exist on the broker (gone since 2026-12-06T10:00:00.000Z); it is expected");
    expect(splitKey("ORDERS/worker-*")).toEqual({ parent: "ORDERS", name: "worker-*" });
  });
});
