import { describe, expect, it } from "vitest";
import { chunkLetters, chunkIntentRow, chunkOutcomeRow, letterAction, MIXED_RESULT } from "@/lib/audit/job-letter-rows";
import { summariseChunk } from "@/lib/audit/chunk-summary";
import type { AuditEntry } from "@/lib/audit/types";

// The rows a running job writes per chunk of letters, and how lists read them back.

const job = { id: "9b2f5c1e-0000-4000-8000-000000000001", action: "requeue", createdBy: "alice" };
const L = ["00000000-0000-4000-8000-0000000000a1", "00000000-0000-4000-8000-0000000000a2", "00000000-0000-4000-8000-0000000000a3"];

const entry = (over: Partial<AuditEntry>): AuditEntry => ({
  id: "7",
  at: "2026-12-06T00:00:00.000Z",
  actor: "alice",
  address: null,
  action: "letter.requeue",
  phase: "outcome",
  intentId: "6",
  target: `job:${job.id}`,
  clusterId: null,
  cluster: null,
  request: {},
  result: "done",
  detail: null,
  prevHash: "0".repeat(64),
  hash: "1".repeat(64),
  ...over,
});

describe("a chunk's audit rows", () => {
  it("names the chunk's letters, in order, in one intent on the job", () => {
    expect(chunkIntentRow(job, L)).toEqual({ actor: "alice", action: "letter.requeue", phase: "intent", target: `job:${job.id}`, request: { job: job.id, letters: L } });
  });

  it("records each letter's result in one outcome naming the intent; the row's result is theirs when they agree", () => {
    const row = chunkOutcomeRow(job, 41n, L.map((letterId) => ({ letterId, result: "done", detail: null })));
    expect(row).toMatchObject({ phase: "outcome", intentId: 41n, target: `job:${job.id}`, result: "done" });
    expect(row.detail).toEqual({ job: job.id, counts: { done: 3 }, letters: L.map((id) => ({ id, result: "done" })) });
  });

  it("says mixed, with counts, when the letters' results differ, and keeps each letter's detail", () => {
    const row = chunkOutcomeRow(job, null, [
      { letterId: L[0]!, result: "done", detail: null },
      { letterId: L[1]!, result: "failed", detail: "NOT_FOUND - no queue 'orders'" },
      { letterId: L[2]!, result: "done", detail: null },
    ]);
    expect(row.result).toBe(MIXED_RESULT);
    expect(row.intentId).toBeNull();
    expect(row.detail).toEqual({
      job: job.id,
      counts: { done: 2, failed: 1 },
      letters: [
        { id: L[0], result: "done" },
        { id: L[1], result: "failed", detail: "NOT_FOUND - no queue 'orders'" },
        { id: L[2], result: "done" },
      ],
    });
  });

  it("refuses a job whose action has no letter action in the vocabulary", () => {
    expect(letterAction(job)).toBe("letter.requeue");
    expect(() => chunkIntentRow({ ...job, action: "explode" }, L)).toThrow(/has no "letter.explode" in the audit vocabulary/);
  });

  it("reads the letters back from either row, and nothing from other rows", () => {
    const intent = chunkIntentRow(job, L);
    const outcome = chunkOutcomeRow(job, 1n, [{ letterId: L[0]!, result: "failed", detail: "why" }]);
    expect(chunkLetters("intent", intent.request, null)).toEqual(L.map((id) => ({ id })));
    expect(chunkLetters("outcome", {}, outcome.detail)).toEqual([{ id: L[0], result: "failed", detail: "why" }]);
    // A per-letter row (before chunk rows), an event, and junk where letters should be.
    expect(chunkLetters("intent", { job: job.id }, null)).toBeNull();
    expect(chunkLetters("event", { letters: L }, null)).toBeNull();
    expect(chunkLetters("outcome", {}, { letters: [7, null, { id: 3 }, { id: L[1], result: 5 }] })).toEqual([{ id: L[1] }]);
  });
});

describe("a chunk row in a list", () => {
  it("says how many letters it names and leaves them out; narrowed to a letter, that letter's own result", () => {
    const e = entry({ detail: chunkOutcomeRow(job, 6n, [{ letterId: L[0]!, result: "done", detail: null }, { letterId: L[1]!, result: "failed", detail: "gone" }]).detail, result: MIXED_RESULT });
    expect(summariseChunk(e, { compact: true })).toMatchObject({ detail: { job: job.id, counts: { done: 1, failed: 1 } }, letters: { count: 2 } });
    expect(summariseChunk(e, { compact: true, letterId: L[1]!.toUpperCase() }).letters).toEqual({ count: 2, letter: { id: L[1], result: "failed", detail: "gone" } });
    // The entry's own page keeps them.
    expect((summariseChunk(e).detail as { letters: unknown[] }).letters).toHaveLength(2);
  });

  it("leaves every other row as it is", () => {
    const single = entry({ target: `letter:${L[0]}`, detail: { job: job.id, detail: null } });
    expect(summariseChunk(single, { compact: true, letterId: L[0] })).toBe(single);
  });
});
