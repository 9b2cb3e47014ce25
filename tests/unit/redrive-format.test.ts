import { describe, expect, it } from "vitest";
import {
  actionsForState,
  changedLineCount,
  describeEdit,
  describeScope,
  diffHeaders,
  editablePayload,
  estimateDuration,
  filterConditions,
  filterRecord,
  filtersShowActionable,
  formatProgress,
  headerRowsFrom,
  jobControlText,
  jobHref,
  jobProgress,
  jobStartedText,
  parseHeldDetails,
  parseRate,
  retryableCount,
  retryLabel,
  scopeForFilters,
  scopeForGroup,
  scopeForLetters,
  toggleSelection,
  utf8ToBase64,
} from "@/components/redrive/format";
import { parseJobStates } from "@/components/jobs/job-list-view";
import { parseOutcomeFilter } from "@/components/jobs/job-detail-view";
import { EMPTY_FILTERS } from "@/components/dead-letters/list-params";
import { jobLettersUrl } from "@/lib/queries/use-job-letters";
import { jobListUrl } from "@/lib/queries/use-jobs";
import { jobControlUrl } from "@/lib/queries/use-job-control";
import { letterHistoryUrl } from "@/lib/queries/use-letter-history";
import { ApiError } from "@/lib/queries/fetch-json";
import type { JobCounts } from "@/lib/redrive/types";

const counts = (c: Partial<JobCounts>): JobCounts => ({ pending: 0, in_flight: 0, done: 0, failed: 0, unknown: 0, skipped: 0, cancelled: 0, ...c });

describe("job progress", () => {
  it("counts done, failed, unknown and skipped as handled, not pending, in flight or cancelled", () => {
    const p = jobProgress(counts({ done: 50, failed: 5, unknown: 3, skipped: 2, pending: 30, in_flight: 10 }), 100);
    expect(p.processed).toBe(60);
    expect(p.ratio).toBeCloseTo(0.6);
    expect(p.segments.map((s) => [s.outcome, s.count])).toEqual([
      ["done", 50],
      ["failed", 5],
      ["unknown", 3],
      ["skipped", 2],
    ]);
    expect(formatProgress(p)).toBe("60 of 100 (60 %)");
  });

  it("never draws past 100 % when the counts run ahead of the total, and an empty job is complete", () => {
    const p = jobProgress(counts({ done: 12 }), 10);
    expect(p.ratio).toBe(1);
    expect(p.segments[0]!.ratio).toBe(1);
    expect(jobProgress(counts({}), 0).ratio).toBe(0);
    expect(formatProgress(jobProgress(counts({}), 0))).toBe("0 of 0 (100 %)");
  });

  it("floors the percentage so 99.9 % does not read as done", () => {
    expect(formatProgress(jobProgress(counts({ done: 999 }), 1000))).toBe("999 of 1,000 (99 %)");
  });
});

describe("sentences", () => {
  it("names the job, the action and the count in the start toast", () => {
    expect(jobStartedText({ number: 14, action: "requeue", total: 4212 })).toBe("Job 14 started: requeue 4,212 letters");
    expect(jobStartedText({ number: 3, action: "terminate", total: 1 })).toBe("Job 3 started: terminate 1 letter");
  });

  it("says what pause and cancel leave behind", () => {
    expect(jobControlText("pause", { number: 2, total: 10, counts: counts({ done: 4 }) })).toBe("Job 2 paused after 4 of 10 letters.");
    expect(jobControlText("cancel", { number: 2, total: 10, counts: counts({}) })).toContain("letters already moved stay moved");
  });

  it("offers a retry of exactly the failed and unknown letters, naming the kinds there are", () => {
    expect(retryableCount(counts({ failed: 2, unknown: 3, done: 10 }))).toBe(5);
    expect(retryLabel(counts({ failed: 2, unknown: 3 }))).toBe("Retry 5 unknown/failed letters");
    expect(retryLabel(counts({ unknown: 1 }))).toBe("Retry 1 unknown letter");
    expect(retryLabel(counts({ failed: 4 }))).toBe("Retry 4 failed letters");
  });

  it("estimates how long a job takes at a rate", () => {
    expect(estimateDuration(4212, 100)).toBe("about 43 s");
    expect(estimateDuration(1, 100)).toBe("under 2 s");
    expect(estimateDuration(60_000, 100)).toBe("about 10 min");
    expect(estimateDuration(0, 100)).toBeNull();
  });
});

describe("actions by state", () => {
  it("offers requeue and terminate for dead letters, restore for terminated ones, nothing for requeued ones", () => {
    expect(actionsForState("dead")).toEqual(["requeue", "terminate"]);
    expect(actionsForState("terminated")).toEqual(["restore"]);
    expect(actionsForState("requeued")).toEqual([]);
  });
});

describe("scopes", () => {
  it("turns the inbox filters into the filter scope, with the list's parameter names", () => {
    const f = { ...EMPTY_FILTERS, cluster: "local-rabbitmq", states: ["dead" as const], reason: "rejected", q: "timeout" };
    expect(filterRecord(f)).toEqual({ cluster: "local-rabbitmq", state: "dead", reason: "rejected", q: "timeout" });
    expect(scopeForFilters(EMPTY_FILTERS)).toEqual({ kind: "filter", filters: {} });
    // The action decides the state a job starts from; the state filter is not sent.
    expect(scopeForFilters(f)).toEqual({ kind: "filter", filters: { cluster: "local-rabbitmq", reason: "rejected", q: "timeout" } });
  });

  it("acts on a whole group when nothing else narrows the view, else on the group under the same filters", () => {
    expect(scopeForGroup("0123456789abcdef", EMPTY_FILTERS)).toEqual({ kind: "group", fingerprint: "0123456789abcdef" });
    expect(scopeForGroup("0123456789abcdef", { ...EMPTY_FILTERS, fingerprint: "0123456789abcdef" })).toEqual({ kind: "group", fingerprint: "0123456789abcdef" });
    expect(scopeForGroup("0123456789abcdef", { ...EMPTY_FILTERS, states: ["dead"] })).toEqual({ kind: "group", fingerprint: "0123456789abcdef" });
    expect(scopeForGroup("0123456789abcdef", { ...EMPTY_FILTERS, cluster: "c1" })).toEqual({
      kind: "filter",
      filters: { cluster: "c1", fingerprint: "0123456789abcdef" },
    });
  });

  it("describes each scope for the dialog", () => {
    expect(describeScope(scopeForLetters(["a"]))).toBe("this letter");
    expect(describeScope(scopeForLetters(["a", "b", "c"]))).toBe("the 3 letters selected");
    expect(describeScope({ kind: "group", fingerprint: "x" })).toBe("every letter of this cause");
    expect(describeScope({ kind: "filter", filters: {} })).toBe("every letter in the inbox");
    expect(describeScope({ kind: "filter", filters: { fingerprint: "x", cluster: "c" } })).toBe("every letter of this cause that matches the current filters");
    expect(describeScope({ kind: "filter", filters: { cluster: "c" } })).toBe("every letter matching the current filters");
  });
});

describe("filter conditions", () => {
  it("lists a filter scope's conditions in words, without the state", () => {
    expect(filterConditions({ cluster: "c", state: "dead", q: "timeout", fingerprint: "ab" })).toEqual([
      { label: "cluster", value: "c" },
      { label: "payload contains", value: "timeout" },
      { label: "cause group", value: "ab" },
    ]);
  });

  it("knows when the state filter shows no letter an action could take", () => {
    expect(filtersShowActionable([], "requeue")).toBe(true);
    expect(filtersShowActionable(["dead", "requeued"], "terminate")).toBe(true);
    expect(filtersShowActionable(["requeued"], "requeue")).toBe(false);
    expect(filtersShowActionable(["terminated"], "restore")).toBe(true);
  });
});

describe("the 409 of letters held by another job", () => {
  it("reads the holding job from the error details", () => {
    expect(parseHeldDetails({ jobId: "j1", jobNumber: 12, href: "/jobs/j1", letters: 40 })).toEqual({ jobId: "j1", jobNumber: 12, href: "/jobs/j1", letters: 40 });
  });

  it("never follows an href that leaves the console, and ignores details of another shape", () => {
    expect(parseHeldDetails({ jobId: "j1", jobNumber: 12, href: "https://evil.example/", letters: 1 })?.href).toBe("/jobs/j1");
    expect(parseHeldDetails([{ path: ["rate"] }])).toBeNull();
    expect(parseHeldDetails(null)).toBeNull();
  });

  it("keeps the details on ApiError", () => {
    const e = new ApiError("held", 409, "CONFLICT", "r1", { jobId: "j", jobNumber: 1 });
    expect(e.details).toEqual({ jobId: "j", jobNumber: 1 });
  });
});

describe("rate", () => {
  it("takes a whole number of letters per second from 1 to the maximum", () => {
    expect(parseRate("100")).toBe(100);
    expect(parseRate(" 5 ")).toBe(5);
    expect(parseRate("0")).toBeNull();
    expect(parseRate("1.5")).toBeNull();
    expect(parseRate("-3")).toBeNull();
    expect(parseRate("")).toBeNull();
    expect(parseRate("20000", 10_000)).toBeNull();
  });
});

describe("edit and requeue", () => {
  const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

  it("edits a complete UTF-8 payload as text, and says why any other goes as it is", () => {
    expect(editablePayload({ payloadMissing: null, payloadIsUtf8: true, payloadTruncated: false, payloadBase64: b64('{"id":1,"ü":"✓"}') })).toEqual({
      text: '{"id":1,"ü":"✓"}',
    });
    expect(editablePayload({ payloadMissing: null, payloadIsUtf8: false, payloadTruncated: false, payloadBase64: "AAE=" })).toHaveProperty("locked");
    expect(editablePayload({ payloadMissing: null, payloadIsUtf8: true, payloadTruncated: true, payloadBase64: b64("x") })).toHaveProperty("locked");
    expect(editablePayload({ payloadMissing: "terminated on a work-queue stream", payloadIsUtf8: true, payloadTruncated: false, payloadBase64: null })).toHaveProperty(
      "locked",
    );
  });

  it("encodes edited text as UTF-8 base64, byte for byte", () => {
    expect(utf8ToBase64('{"name":"Zoë ✓"}')).toBe(b64('{"name":"Zoë ✓"}'));
    expect(utf8ToBase64("")).toBe("");
    const long = "é".repeat(100_000);
    expect(utf8ToBase64(long)).toBe(b64(long));
  });

  it("sends only the headers that changed: new and changed as text, removed as null", () => {
    const original = { "x-error": "timeout", "x-retry": 3, keep: "same", obj: { a: 1 } };
    const rows = headerRowsFrom(original);
    expect(rows).toEqual([
      { key: "x-error", value: "timeout" },
      { key: "x-retry", value: "3" },
      { key: "keep", value: "same" },
      { key: "obj", value: '{"a":1}' },
    ]);
    const edited = [
      { key: "x-retry", value: "0" },
      { key: "keep", value: "same" },
      { key: "obj", value: '{"a":1}' },
      { key: "x-fixed-by", value: "ops" },
      { key: "", value: "" },
    ];
    const d = diffHeaders(original, edited);
    expect(d).toEqual({
      ok: true,
      headers: { "x-retry": "0", "x-fixed-by": "ops", "x-error": null },
      added: ["x-fixed-by"],
      changed: ["x-retry"],
      removed: ["x-error"],
    });
    expect(diffHeaders(original, rows)).toMatchObject({ ok: true, headers: {} });
  });

  it("refuses a header twice or a value without a name", () => {
    expect(diffHeaders({}, [{ key: "a", value: "1" }, { key: " a ", value: "2" }])).toEqual({ ok: false, error: 'The header "a" is there twice.' });
    expect(diffHeaders({}, [{ key: " ", value: "v" }])).toMatchObject({ ok: false });
  });

  it("summarises the edit", () => {
    expect(describeEdit({ before: '{"a":1}', after: '{"a":2}' }, { added: ["x-b"], changed: [], removed: ["x-error"] })).toBe(
      "payload changed (1 line, 7 → 7 bytes); headers: 1 added (x-b), 1 removed (x-error)",
    );
    expect(describeEdit({ before: "same", after: "same" }, { added: [], changed: [], removed: [] })).toBe("no changes");
    expect(changedLineCount("a\nb\nc", "a\nB\nc")).toBe(1);
    expect(changedLineCount("a\nb", "a\nb\nc\nd")).toBe(2);
  });
});

describe("selection", () => {
  const order = ["a", "b", "c", "d", "e"];
  it("toggles one letter", () => {
    expect([...toggleSelection(new Set(), order, "c", null, false)]).toEqual(["c"]);
    expect([...toggleSelection(new Set(["c"]), order, "c", null, false)]).toEqual([]);
  });

  it("shift-click sets the whole range from the last one toggled to this one's new state", () => {
    expect([...toggleSelection(new Set(["b"]), order, "d", "b", true)].sort()).toEqual(["b", "c", "d"]);
    expect([...toggleSelection(new Set(["a", "b", "c", "d"]), order, "b", "d", true)].sort()).toEqual(["a"]);
    // An anchor no longer in the list: just this one.
    expect([...toggleSelection(new Set(), order, "d", "zz", true)]).toEqual(["d"]);
  });
});

describe("urls and URL parameters", () => {
  it("builds the job API's addresses with escaped ids", () => {
    expect(jobListUrl({ states: ["running", "paused"] }, 50)).toBe("/api/jobs?state=running%2Cpaused&limit=50");
    expect(jobListUrl({ states: [] }, 50)).toBe("/api/jobs?limit=50");
    expect(jobLettersUrl("j/1", "failed", "c2")).toBe("/api/jobs/j%2F1/letters?outcome=failed&cursor=c2");
    expect(jobLettersUrl("j1", "all", null)).toBe("/api/jobs/j1/letters");
    expect(jobControlUrl("j1", "retry")).toBe("/api/jobs/j1/retry");
    expect(letterHistoryUrl("l 1")).toBe("/api/dead-letters/l%201/history");
    expect(jobHref("a/b")).toBe("/jobs/a%2Fb");
  });

  it("reads job states and the outcome filter from the URL, dropping unknown values", () => {
    expect(parseJobStates("running,bogus,PAUSED")).toEqual(["running", "paused"]);
    expect(parseJobStates(null)).toEqual([]);
    expect(parseOutcomeFilter("unknown")).toBe("unknown");
    expect(parseOutcomeFilter("<script>")).toBe("all");
    expect(parseOutcomeFilter(null)).toBe("all");
  });
});
