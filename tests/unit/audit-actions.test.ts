import { describe, expect, it } from "vitest";
import { AUDIT_ACTIONS, AUDIT_ACTION_SUGGESTIONS, auditTarget, isAuditAction, jobAuditAction } from "@/lib/audit/actions";
import { letterAction } from "@/lib/audit/job-letter-rows";
import { JOB_ACTIONS } from "@/lib/redrive/types";

describe("the audit vocabulary", () => {
  it("names every action <resource>.<verb> in lower case, once", () => {
    for (const a of AUDIT_ACTIONS) expect(a).toMatch(/^[a-z]+(-[a-z]+)*(\.[a-z]+(-[a-z]+)*)+$/);
    expect(new Set(AUDIT_ACTIONS).size).toBe(AUDIT_ACTIONS.length);
  });

  it("has a job row and a letter row for every job action", () => {
    for (const action of JOB_ACTIONS) {
      expect(jobAuditAction(action)).toBe(`job.${action}`);
      expect(letterAction({ id: "j", action, createdBy: "ana" })).toBe(`letter.${action}`);
    }
  });

  it("refuses to write letter rows for a stored action it does not know", () => {
    expect(() => letterAction({ id: "j-1", action: "explode", createdBy: "ana" })).toThrow(/job j-1 has action "explode"/);
    expect(isAuditAction("letter.explode")).toBe(false);
  });

  it("offers in the audit page only names it records, or prefixes of them", () => {
    for (const s of AUDIT_ACTION_SUGGESTIONS) {
      if (s.endsWith(".")) expect(AUDIT_ACTIONS.some((a) => a.startsWith(s))).toBe(true);
      else expect(isAuditAction(s)).toBe(true);
    }
  });

  it("writes targets as <kind>:<id>, users by their name in lower case", () => {
    expect(auditTarget.user("Ana")).toBe("user:ana");
    expect(auditTarget.dlq("prod", "/orders.dlq")).toBe("dlq:prod//orders.dlq");
    expect(auditTarget.letter("8a0c")).toBe("letter:8a0c");
    expect(auditTarget.auditLog()).toBe("audit");
  });
});
