import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterKey, createLeaderLock, SAMPLER_LOCK } from "@/lib/db/leader-lock";
import { createTestDatabase } from "../support/postgres";

// Cluster leadership is an advisory lock per cluster, keyed by a 31-bit hash of its name. Two names can
// hash to the same key; the replica holding that key must lead both, never drop one of them.

/** Two cluster names whose keys collide, found by search (a birthday search over 31 bits needs ~50k names). */
function collidingNames(): [string, string] {
  const seen = new Map<number, string>();
  for (let i = 0; i < 1_000_000; i++) {
    const name = `cluster-${i}`;
    const key = clusterKey(name);
    const other = seen.get(key);
    if (other !== undefined) return [other, name];
    seen.set(key, name);
  }
  throw new Error("no colliding cluster names in a million");
}

describe("per-cluster leader locks", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("leads both clusters whose names share a lock key, and hands both back together", async () => {
    const [a, b] = collidingNames();
    expect(a).not.toBe(b);
    expect(clusterKey(a)).toBe(clusterKey(b));
    const handedBack: string[] = [];
    const errors: string[] = [];
    const first = createLeaderLock({ kind: "postgres", url: db.url }, (m) => void errors.push(m), SAMPLER_LOCK);
    const second = createLeaderLock({ kind: "postgres", url: db.url }, (m) => void errors.push(m), SAMPLER_LOCK);
    try {
      const led = await first.claim!([a, b], 1000, async (name) => void handedBack.push(name));
      expect([...led].sort()).toEqual([a, b].sort());
      // One of the two names leaves the configuration: only it is handed back, the key stays held for the other.
      const after = await first.claim!([b], 1000, async (name) => void handedBack.push(name));
      expect(handedBack).toEqual([a]);
      expect([...after]).toEqual([b]);
      // A second replica cannot take the shared key while the first holds it: it gets neither name.
      const other = await second.claim!([a, b], 1000);
      expect(other.size).toBe(0);
      // Released: the second replica takes the key and leads both names.
      await first.release();
      const taken = await second.claim!([a, b], 1000);
      expect([...taken].sort()).toEqual([a, b].sort());
      expect(errors).toEqual([]);
    } finally {
      await first.release();
      await second.release();
    }
  });
});
