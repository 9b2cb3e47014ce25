import { describe, expect, it } from "vitest";
import { FakeBroker } from "@/lib/brokers/fake/fake-broker";
import type { BrokerProbe } from "@/lib/brokers/types";
import { ClusterMonitor } from "@/lib/clusters/cluster-monitor";
import type { ClusterStatus } from "@/lib/clusters/cluster-status";

function clock(start = Date.parse("2026-01-01T00:00:00Z")) {
  let t = start;
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

describe("ClusterMonitor", () => {
  it("reports each cluster's state and moves `since` only when the state changes", async () => {
    const c = clock();
    const nats = new FakeBroker("n1", "nats", FakeBroker.up("2.9.10"));
    const rmq = new FakeBroker("r1", "rabbitmq", FakeBroker.up("3.10.8", { management: { ok: true, version: "3.10.8", error: null } }));
    const m = new ClusterMonitor([nats, rmq], { intervalMs: 1000, now: c.now });
    expect(m.statuses().map((s) => s.state)).toEqual(["unknown", "unknown"]);

    await m.checkAll();
    const upSince = m.statuses()[0]!.since;
    expect(m.statuses()[0]).toMatchObject({ state: "up", serverVersion: "2.9.10", checkedAt: upSince });

    c.advance(5000);
    await m.checkAll();
    expect(m.statuses()[0]!.since).toBe(upSince);
    expect(m.statuses()[0]!.checkedAt).not.toBe(upSince);

    c.advance(5000);
    nats.set(FakeBroker.down("Cannot reach NATS at nats://x:4222: connection refused."));
    await m.checkAll();
    const down = m.statuses()[0]!;
    expect(down).toMatchObject({ state: "down", reachable: false, serverVersion: null, lastKnownVersion: "2.9.10", error: "Cannot reach NATS at nats://x:4222: connection refused." });
    expect(down.since).toBe(c.now().toISOString());

    rmq.set(FakeBroker.up("3.10.8", { management: { ok: false, version: null, error: "401" }, error: "AMQP works, but the management API refused" }));
    await m.checkAll();
    expect(m.statuses()[1]).toMatchObject({ state: "degraded", reachable: true });
  });

  it("joins a round already under way instead of stacking another", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const slow = new FakeBroker("slow");
    const original = slow.probe.bind(slow);
    slow.probe = async () => {
      await gate;
      return original();
    };
    const m = new ClusterMonitor([slow], { intervalMs: 1000 });
    const a = m.checkAll();
    const b = m.checkAll();
    expect(a).toBe(b);
    release();
    await a;
    expect(slow.probes).toBe(1);
  });

  it("turns a probe that throws into a down state with its reason", async () => {
    const broken = new FakeBroker("b");
    broken.probe = async (): Promise<BrokerProbe> => {
      throw new Error("socket hang up");
    };
    const m = new ClusterMonitor([broken], { intervalMs: 1000 });
    await m.checkAll();
    expect(m.statuses()[0]).toMatchObject({ state: "down", error: "socket hang up" });
  });

  it("hands every round to onRound and reports, not throws, its failures", async () => {
    const rounds: ClusterStatus[][] = [];
    const errors: string[] = [];
    let fail = false;
    const m = new ClusterMonitor([new FakeBroker("a")], {
      intervalMs: 1000,
      onRound: async (s) => {
        if (fail) throw new Error("store down");
        rounds.push(s);
      },
      onError: (msg, e) => errors.push(`${msg}: ${(e as Error).message}`),
    });
    await m.checkAll();
    fail = true;
    await m.checkAll();
    expect(rounds).toHaveLength(1);
    expect(rounds[0]![0]!.state).toBe("up");
    expect(errors).toEqual(["could not record cluster statuses: store down"]);
  });

  it("keeps the start of a state that survived a restart, and drops it when the state changed", async () => {
    const c = clock();
    const earlier = new Date(c.now().getTime() - 3_600_000);
    const a = new FakeBroker("a", "nats", FakeBroker.down("refused"));
    const b = new FakeBroker("b", "nats", FakeBroker.up("2.9.10"));
    const m = new ClusterMonitor([a, b], { intervalMs: 1000, now: c.now });
    m.restore("a", { state: "down", since: earlier, version: "2.9.9" });
    m.restore("b", { state: "down", since: earlier, version: "2.9.9" });
    await m.checkAll();
    expect(m.statuses()[0]).toMatchObject({ state: "down", since: earlier.toISOString(), lastKnownVersion: "2.9.9" });
    expect(m.statuses()[1]).toMatchObject({ state: "up", since: c.now().toISOString(), lastKnownVersion: "2.9.10" });
  });

  it("probes on its interval once started, and closes brokers on stop", async () => {
    const b = new FakeBroker("a");
    const m = new ClusterMonitor([b], { intervalMs: 20 });
    m.start();
    await m.ready();
    await new Promise((r) => setTimeout(r, 120));
    await m.stop();
    expect(b.probes).toBeGreaterThanOrEqual(3);
    expect(b.closed).toBe(true);
  });
});
