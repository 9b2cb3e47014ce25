import { describe, expect, it } from "vitest";
import { sharedRead, SharedReads } from "@/lib/db/shared-read";

describe("sharedRead", () => {
  it("runs one read for callers asking at once, and serves its answer until the time is up", async () => {
    let calls = 0;
    const read = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 20));
      return { n: calls };
    };
    const at = await Promise.all(Array.from({ length: 5 }, () => sharedRead("k1", 100, read)));
    expect(calls).toBe(1);
    expect(new Set(at).size).toBe(1);
    expect(await sharedRead("k1", 100, read)).toBe(at[0]);
    await new Promise((r) => setTimeout(r, 120));
    expect(await sharedRead("k1", 100, read)).toEqual({ n: 2 });
    expect(calls).toBe(2);
  });

  it("keeps no failure: the next caller reads again", async () => {
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new Error("store away");
    };
    await expect(sharedRead("k2", 10_000, failing)).rejects.toThrow("store away");
    await new Promise((r) => setTimeout(r, 0));
    await expect(sharedRead("k2", 10_000, async () => "back")).resolves.toBe("back");
    expect(calls).toBe(1);
  });

  it("keeps different keys apart", async () => {
    const [a, b] = await Promise.all([sharedRead("k3", 1000, async () => "a"), sharedRead("k4", 1000, async () => "b")]);
    expect([a, b]).toEqual(["a", "b"]);
  });

  it("with no time to keep, shares only a read in flight: a caller after it has settled reads again", async () => {
    let calls = 0;
    const read = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 20));
      return { n: calls };
    };
    const at = await Promise.all(Array.from({ length: 3 }, () => sharedRead("k5", 0, read)));
    expect(calls).toBe(1);
    expect(new Set(at).size).toBe(1);
    await new Promise((r) => setTimeout(r, 0));
    expect(await sharedRead("k5", 0, read)).toEqual({ n: 2 });
    expect(calls).toBe(2);
  });

  it("holds at most 200 answers: when every one is still inside its time, the oldest settled is dropped for a new key", async () => {
    const first = await sharedRead("bound-0", 60_000, async () => ({ k: 0 }));
    for (let i = 1; i < 260; i++) await sharedRead(`bound-${i}`, 60_000, async () => ({ k: i }));
    await new Promise((r) => setTimeout(r, 0));
    // The newest is still kept (the same object back, no read); the first was dropped (read again).
    let reads = 0;
    const last = await sharedRead("bound-259", 60_000, async () => (reads++, { k: -1 }));
    expect(last).toEqual({ k: 259 });
    const again = await sharedRead("bound-0", 60_000, async () => (reads++, { k: 0 }));
    expect(again).not.toBe(first);
    expect(reads).toBe(1);
  });
});

describe("SharedReads.many", () => {
  /** Keyed reads on the test's clock, noting which ids each read asked for. */
  const counter = () => {
    let clock = 0;
    const reads = new SharedReads(() => clock);
    const asked: string[][] = [];
    let failNext = false;
    const many = (ids: string[], share: (id: string) => boolean = () => true) =>
      reads.many({
        ids,
        key: (id) => `n:${id}`,
        ttlMs: 1000,
        read: async (fresh) => {
          asked.push(fresh);
          if (failNext) {
            failNext = false;
            throw new Error("the store went away");
          }
          // "gone" is left out of the answer: it gets the missing value.
          return new Map(fresh.filter((id) => id !== "gone").map((id) => [id, asked.length]));
        },
        missing: () => -1,
        share,
      });
    return { many, asked, tick: (ms: number) => (clock += ms), fail: () => (failNext = true) };
  };

  it("reads the ids without a live answer in one read, joins the others, and gives the missing value to an id the read leaves out", async () => {
    const c = counter();
    expect(await c.many(["a", "b"])).toEqual(new Map([["a", 1], ["b", 1]]));
    c.tick(500);
    expect(await c.many(["a", "b", "c", "gone"])).toEqual(new Map([["c", 2], ["gone", -1], ["a", 1], ["b", 1]]));
    expect(c.asked).toEqual([["a", "b"], ["c", "gone"]]);
    c.tick(999);
    // a and b settled at 0: their time is up at 1000; c and gone settled at 500, still live.
    expect(await c.many(["a", "c", "gone"])).toEqual(new Map([["a", 3], ["c", 2], ["gone", -1]]));
    expect(c.asked).toEqual([["a", "b"], ["c", "gone"], ["a"]]);
  });

  it("reads an id it may not share on every call, beside a shared one", async () => {
    const c = counter();
    const bigOnly = (id: string) => id === "big";
    await c.many(["big", "small"], bigOnly);
    expect(await c.many(["big", "small"], bigOnly)).toEqual(new Map([["small", 2], ["big", 1]]));
    expect(c.asked).toEqual([["big", "small"], ["small"]]);
  });

  it("joins callers at once to one read, and keeps no failure: those joined to it fail, the next call reads again", async () => {
    const c = counter();
    c.fail();
    const both = await Promise.allSettled([c.many(["x"]), c.many(["x"])]);
    expect(both.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(c.asked).toEqual([["x"]]);
    await new Promise((r) => setTimeout(r, 0));
    expect(await c.many(["x"])).toEqual(new Map([["x", 2]]));
    expect(await c.many(["x"])).toEqual(new Map([["x", 2]]));
    expect(c.asked).toEqual([["x"], ["x"]]);
  });
});
