import { describe, expect, it } from "vitest";
import { auditExportParams, auditListParams } from "@/lib/audit/audit-list-params";
import { auditExportQuery, auditListQuery } from "@/lib/audit/audit-list-query";
import { letterListParams } from "@/lib/dead-letters/letter-list-params";
import { letterListQuery } from "@/lib/dead-letters/letter-list-query";
import { consumerListParams } from "@/lib/health/consumer-list-params";
import { consumerListQuery } from "@/lib/health/consumer-list-query";
import { jobListParams } from "@/lib/redrive/job-list-params";
import { jobListQuery } from "@/lib/redrive/job-list-query";

// Each list's client builds its API query with the builder typed by the route's schema (a name the
// schema does not read does not compile); here, what the browser sends with every filter set is
// read back by that schema, value for value.

const asQuery = (p: URLSearchParams): Record<string, string> => Object.fromEntries(p);

describe("one contract per list: what the client builds, the route parses", () => {
  it("consumers", () => {
    const q = consumerListQuery.parse(
      asQuery(
        consumerListParams(
          { cluster: "prod", kind: "rabbitmq", role: "dlq", states: ["STALLED", "FAILING"], q: "orders", sort: "backlog", dir: "asc" },
          10_000,
        ),
      ),
    );
    expect(q).toEqual({
      cluster: "prod",
      kind: "rabbitmq",
      role: "dlq",
      state: ["STALLED", "FAILING"],
      q: "orders",
      sort: "backlog",
      dir: "asc",
      offset: 0,
      limit: 10_000,
    });
  });

  it("dead letters", () => {
    const filters = {
      cluster: "prod",
      source: "/orders",
      reason: "rejected",
      states: ["dead" as const, "requeued" as const],
      from: "2026-01-01T00:00:00.000Z",
      to: "2026-01-02T00:00:00.000Z",
      header: "x-error:timeout",
      messageId: "m-1",
      q: "total",
      fingerprint: "0123456789abcdef",
      collectedFrom: "/orders.dlq",
    };
    const q = letterListQuery.parse(asQuery(letterListParams(filters, "c-1", 50)));
    const { states, ...rest } = filters;
    expect(q).toEqual({ ...rest, state: states, cursor: "c-1", limit: 50 });
  });

  it("jobs", () => {
    expect(jobListQuery.parse(asQuery(jobListParams({ states: ["running", "paused"] }, 100)))).toEqual({ state: ["running", "paused"], limit: 100 });
  });

  it("audit log and its export", () => {
    const filters = {
      actor: "ana",
      action: "job.",
      cluster: "prod",
      target: "dlq:prod//orders.dlq",
      letter: "0b9c3a1e-8a55-4a43-9d3c-3c1c2b9f8e11",
      job: "1f6a2d7c-3f0b-4bd5-a3b2-2d57b1f0a9c4",
      phases: ["intent" as const, "outcome" as const],
      result: "ok",
      from: "2026-01-01T00:00:00.000Z",
      to: "2026-01-02T00:00:00.000Z",
    };
    const { phases, ...rest } = filters;
    expect(auditListQuery.parse(asQuery(auditListParams(filters, "42", 100)))).toEqual({ ...rest, phase: phases, cursor: "42", limit: 100 });
    expect(auditExportQuery.parse(asQuery(auditExportParams(filters, "json")))).toEqual({ ...rest, phase: phases, format: "json" });
  });
});
