import { describe, expect, it } from "vitest";
import { SHARED_COUNTS_MIN_LETTERS, SharedPerJob } from "@/lib/redrive/get-job";
import { LETTER_OUTCOMES, type JobCounts } from "@/lib/redrive/types";

// The sharing of a big job's live counts (lib/redrive/get-job.ts), on its own: a count that fails is
// never handed to the next request.

const zero = Object.fromEntries(LETTER_OUTCOMES.map((o) => [o, 0])) as JobCounts;

describe("SharedPerJob", () => {
  it("does not share a failed count: the requests joined to it fail, the next one counts again", async () => {
    let calls = 0;
    const shared = new SharedPerJob(
      async (ids) => {
        calls++;
        if (calls === 1) throw new Error("the store went away");
        return new Map(ids.map((id) => [id, { ...zero, done: calls }]));
      },
      () => zero,
      () => 0,
    );
    const jobs = [{ id: "big", total: SHARED_COUNTS_MIN_LETTERS }];
    const both = await Promise.allSettled([shared.of(jobs), shared.of(jobs)]);
    expect(both.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(calls).toBe(1);
    expect((await shared.of(jobs)).get("big")).toMatchObject({ done: 2 });
    expect((await shared.of(jobs)).get("big")).toMatchObject({ done: 2 });
    expect(calls).toBe(2);
  });
});
