import { describe, expect, it } from "vitest";
import { auditHref, auditParamsToQuery, hasAuditFilters, parseAuditParams, targetHref } from "@/components/audit/list-params";
import { resultTone } from "@/components/audit/format";

const sp = (qs: string) => new URLSearchParams(qs);
const LETTER = "405b25b2-0f0a-4c91-8b87-e64860b6eb73";

describe("audit page URL", () => {
  it("reads filters from the URL, dropping what is not valid", () => {
    expect(parseAuditParams(sp(`actor=alice&action=job.&cluster=prod&phase=outcome,nonsense,intent&letter=${LETTER.toUpperCase()}&job=nope&from=2026-11-21T10:00:00Z&result=failed`))).toEqual({
      actor: "alice",
      action: "job.",
      cluster: "prod",
      target: undefined,
      letter: LETTER,
      job: undefined,
      phases: ["intent", "outcome"],
      result: "failed",
      from: "2026-11-21T10:00:00.000Z",
      to: undefined,
    });
    // A window that ends before it starts shows nothing useful: both ends drop.
    const f = parseAuditParams(sp("from=2026-11-21T10:00:00Z&to=2026-11-20T10:00:00Z"));
    expect([f.from, f.to]).toEqual([undefined, undefined]);
    expect(hasAuditFilters(parseAuditParams(sp("")))).toBe(false);
  });

  it("writes the same filters back, so a link shows what was seen", () => {
    const qs = "actor=alice&action=letter.&phase=intent%2Coutcome&result=done";
    expect(auditParamsToQuery(parseAuditParams(sp(qs)))).toBe(qs);
    expect(auditHref({ letter: LETTER })).toBe(`/audit?letter=${LETTER}`);
    expect(auditHref({ job: LETTER })).toBe(`/audit?job=${LETTER}`);
    expect(auditHref()).toBe("/audit");
  });

  it("links letter and job targets to their pages, and nothing else", () => {
    expect(targetHref(`letter:${LETTER}`)).toBe(`/dead-letters/${LETTER}`);
    expect(targetHref(`job:${LETTER}`)).toBe(`/jobs/${LETTER}`);
    expect(targetHref("dlq:c/v/q")).toBeNull();
    expect(targetHref("letter:../../etc")).toBeNull();
    expect(targetHref(null)).toBeNull();
  });

  it("reads results at a glance", () => {
    expect([resultTone("ok"), resultTone("done"), resultTone("failed"), resultTone("unknown"), resultTone("anything"), resultTone(null)]).toEqual(["ok", "ok", "bad", "warn", "neutral", "neutral"]);
  });
});
