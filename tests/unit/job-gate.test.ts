import { describe, expect, it } from "vitest";
import { decideCanary, type CanaryFacts } from "@/lib/redrive/decide-canary";
import { decideGate, sentCountCap, type GateFacts } from "@/lib/redrive/decide-gate";

const at = (s: string) => new Date(`2026-12-06T${s}Z`);

const running = (over: Partial<GateFacts> = {}): GateFacts => ({
  now: at("10:20:00"),
  state: "running",
  pausedBy: null,
  watchSince: at("10:19:00"),
  sent: 0,
  bounced: 0,
  bounceReason: null,
  threshold: 0.1,
  minSent: 20,
  consumers: [],
  autoResumeMs: null,
  lastBounceAt: null,
  ...over,
});

const consumer = (state: string, since: string) => ({ label: "queue orders (vhost /) on prod", state, since: at(since), reason: "why" });

describe("the health gate's decision", () => {
  it("goes on below the threshold, and before enough letters were sent to judge", () => {
    expect(decideGate(running({ sent: 19, bounced: 19 }))).toEqual({ kind: "go" });
    expect(decideGate(running({ sent: 100, bounced: 10 }))).toEqual({ kind: "go" });
  });

  it("pauses above the threshold once enough went out, saying how many of how many and why", () => {
    const d = decideGate(running({ sent: 32, bounced: 14, bounceReason: "rejected" }));
    expect(d).toEqual({
      kind: "pause",
      reason: "Paused itself: 14 of the 32 letters sent since 10:19:00 UTC came back dead (rejected), 43.8 %, above the 10 % threshold.",
    });
    expect(decideGate(running({ sent: 20, bounced: 3, threshold: 0.1 })).kind).toBe("pause");
    expect(decideGate(running({ sent: 20, bounced: 20, threshold: 1 })).kind).toBe("go");
  });

  it("pauses when a destination's consumer turns STOPPED, STALLED or FAILING while it runs, not for a state it started into", () => {
    for (const state of ["STOPPED", "STALLED", "FAILING"]) {
      expect(decideGate(running({ consumers: [consumer(state, "10:19:30")] }))).toEqual({
        kind: "pause",
        reason: `Paused itself: queue orders (vhost /) on prod turned ${state} at 10:19:30 UTC (why).`,
      });
    }
    expect(decideGate(running({ consumers: [consumer("FAILING", "10:18:00")] }))).toEqual({ kind: "go" });
    expect(decideGate(running({ consumers: [consumer("LAGGING", "10:19:30"), consumer("UNKNOWN", "10:19:40")] }))).toEqual({ kind: "go" });
  });

  it("leaves a state the sampler first reports within the grace after the start to the bounce rate, and pauses for one after it", () => {
    // 10:19:20 is 20 s after the start: read from rates reaching back before it.
    expect(decideGate(running({ stateGraceMs: 30_000, consumers: [consumer("FAILING", "10:19:20")] }))).toEqual({ kind: "go" });
    expect(decideGate(running({ stateGraceMs: 30_000, consumers: [consumer("STOPPED", "10:19:31")] })).kind).toBe("pause");
    // The bounce rate is judged from the start all the same.
    expect(decideGate(running({ stateGraceMs: 30_000, sent: 20, bounced: 20, consumers: [consumer("FAILING", "10:19:20")] })).kind).toBe("pause");
  });

  it("leaves an operator's pause alone, and resumes its own only after the destination was healthy long enough", () => {
    const paused = (over: Partial<GateFacts>) => running({ state: "paused", pausedBy: "gate", autoResumeMs: 5 * 60_000, ...over });
    expect(decideGate(paused({ pausedBy: "operator", consumers: [consumer("OK", "09:00:00")] }))).toEqual({ kind: "stay" });
    expect(decideGate(paused({ autoResumeMs: null, consumers: [consumer("OK", "09:00:00")] }))).toEqual({ kind: "stay" });
    // No consumer known: nothing shows it healthy.
    expect(decideGate(paused({ consumers: [] }))).toEqual({ kind: "stay" });
    expect(decideGate(paused({ consumers: [consumer("OK", "10:17:00")] }))).toEqual({ kind: "stay" });
    expect(decideGate(paused({ consumers: [consumer("OK", "10:10:00"), consumer("FAILING", "10:00:00")] }))).toEqual({ kind: "stay" });
    // A letter came back dead recently: the clock starts again from it.
    expect(decideGate(paused({ consumers: [consumer("OK", "10:10:00")], lastBounceAt: at("10:16:00") }))).toEqual({ kind: "stay" });
    const d = decideGate(paused({ pausedBy: "canary", consumers: [consumer("OK", "10:10:00")], lastBounceAt: at("10:14:00") }));
    expect(d).toEqual({ kind: "resume", reason: "Resumed itself: its destinations have been healthy and nothing came back dead for 6 min (asked for 5 min)." });
  });
});

const canary = (over: Partial<CanaryFacts> = {}): CanaryFacts => ({
  now: at("10:20:00"),
  size: 10,
  taken: 10,
  settled: 10,
  done: 10,
  bounced: 0,
  bounceReason: null,
  sentAt: at("10:19:50"),
  consumed: false,
  settleMs: 15_000,
  timeoutMs: 120_000,
  ...over,
});

describe("the canary's decision", () => {
  it("sends only the rest of the canary until all of it is answered", () => {
    expect(decideCanary(canary({ taken: 0, settled: 0, done: 0, sentAt: null }))).toEqual({ kind: "send", limit: 10 });
    expect(decideCanary(canary({ taken: 7, settled: 7, done: 7, sentAt: null }))).toEqual({ kind: "send", limit: 3 });
    // Chunks still awaiting their confirms count as taken: nothing past the canary goes out meanwhile.
    expect(decideCanary(canary({ taken: 10, settled: 4, done: 4, sentAt: null }))).toEqual({
      kind: "wait",
      detail: "Canary: 4 of 10 canary letters confirmed by the broker; waiting for the rest.",
    });
    expect(decideCanary(canary({ taken: 8, settled: 4, done: 4, sentAt: null }))).toEqual({ kind: "send", limit: 2 });
  });

  it("fails as soon as one canary letter came back dead, even before all were sent", () => {
    expect(decideCanary(canary({ settled: 4, sentAt: null, bounced: 1, bounceReason: "rejected" }))).toEqual({
      kind: "fail",
      detail: "Canary failed: 1 of the 10 canary letters came back dead (rejected); the other letters were not sent.",
    });
    expect(decideCanary(canary({ done: 0 })).kind).toBe("fail");
  });

  it("waits out the settle window even when consumed, then passes; without evidence it waits until the timeout", () => {
    expect(decideCanary(canary({ consumed: true })).kind).toBe("wait");
    expect(decideCanary(canary({ consumed: true, now: at("10:20:06") }))).toEqual({
      kind: "pass",
      detail: "Canary passed: the destination consumed the 10 canary letters and none came back dead within 16 s.",
    });
    expect(decideCanary(canary({ now: at("10:21:00") })).kind).toBe("wait");
    expect(decideCanary(canary({ now: at("10:21:50") }))).toMatchObject({
      kind: "pass",
      detail: expect.stringMatching(/^Canary passed on timeout: none of the 10 canary letters came back dead within 120 s/),
    });
  });
});

describe("the gate's count of letters sent, capped", () => {
  it("decides as the full count would, for every count, bounce and threshold, and names the exact count when it pauses", () => {
    let checked = 0;
    for (const threshold of [0.001, 0.05, 0.1, 0.3, 1 / 3, 0.5, 1]) {
      for (const minSent of [1, 20, 250]) {
        for (const bounced of [1, 2, 3, 7, 19, 20, 21, 100, 333]) {
          const cap = sentCountCap(bounced, threshold, minSent)!;
          expect(cap).toBeGreaterThan(minSent);
          expect(cap).toBeGreaterThan(bounced / threshold);
          for (const sent of [0, 1, 5, 19, 20, 21, 29, 30, 31, 99, 100, 101, 249, 250, 251, 1000, 3330, 3331, 333_000, 1_000_000]) {
            const full = decideGate(running({ sent, bounced, threshold, minSent, bounceReason: "rejected" }));
            const capped = decideGate(running({ sent: Math.min(sent, cap), bounced, threshold, minSent, bounceReason: "rejected" }));
            expect(capped, `sent ${sent}, bounced ${bounced}, threshold ${threshold}, minSent ${minSent}`).toEqual(full);
            if (full.kind === "pause") expect(sent).toBeLessThan(cap);
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(7 * 3 * 9 * 20);
  });

  it("counts every letter when any bounce pauses (threshold 0) or when the cap would not fit a LIMIT", () => {
    expect(sentCountCap(5, 0, 20)).toBeNull();
    expect(sentCountCap(2 ** 30, 0.1, 20)).toBeNull();
    expect(sentCountCap(3, 0.1, 20)).toBe(31);
    expect(sentCountCap(1, 0.1, 20)).toBe(21);
  });
});
