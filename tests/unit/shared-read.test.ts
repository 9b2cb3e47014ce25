import { describe, expect, it } from "vitest";
import { sharedRead } from "@/lib/db/shared-read";

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
