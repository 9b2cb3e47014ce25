import { describe, expect, it } from "vitest";
import { canMeterCpu, cpuCeiling, medianPerLetter, perLetter, startCpu, type CpuUse } from "../../scripts/bench/cpu-meter";

const use = (seconds: CpuUse["seconds"], cores = 2): CpuUse => ({ cores, seconds, machineBusy: 0.5 });

describe("the bench's CPU meter", () => {
  it("gives each group's CPU a letter, and the letters a second the cores allow at the run's own cost", () => {
    const u = use({ broker: 0.7, store: 1.2, bench: 0.6, other: 5 });
    const n = 10_000;
    const pl = perLetter(u, n);
    expect(pl.broker).toBeCloseTo((0.7 / n) * 1e6);
    expect(pl.store).toBeCloseTo((1.2 / n) * 1e6);
    expect(pl.bench).toBeCloseTo((0.6 / n) * 1e6);
    // Other processes' CPU is shown, but is not the run's own cost.
    expect(pl.total).toBeCloseTo(pl.broker + pl.store + pl.bench);
    expect(cpuCeiling(u, n)).toBeCloseTo((u.cores * 1e6) / pl.total);
    expect(cpuCeiling(use({ broker: 0.7, store: 1.2, bench: 0.6, other: 0 }, 4), n)).toBeCloseTo(2 * cpuCeiling(u, n));
  });

  it("takes the median of each figure over the rounds, and has none for no rounds", () => {
    const n = 1000;
    const rounds = [0.1, 0.3, 0.2].map((s) => ({ cpu: use({ broker: s, store: s, bench: s, other: 0 }), n }));
    const m = medianPerLetter(rounds);
    expect(m?.perLetter.store).toBeCloseTo((0.2 / n) * 1e6);
    expect(m?.ceiling).toBeCloseTo(cpuCeiling(rounds[2]!.cpu, n));
    expect(medianPerLetter([])).toBeNull();
    const even = medianPerLetter([0.1, 0.3].map((s) => ({ cpu: use({ broker: s, store: 0, bench: 0, other: 0 }), n })));
    expect(even?.perLetter.broker).toBeCloseTo((0.2 / n) * 1e6);
  });

  it.runIf(canMeterCpu())("counts this process's own work as the bench's, from /proc", () => {
    const m = startCpu();
    const start = process.cpuUsage();
    let x = 0;
    // Work until this process has used 300 ms of CPU, as it reports itself.
    while (true) {
      for (let i = 0; i < 100_000; i++) x += Math.sqrt(i);
      const used = process.cpuUsage(start);
      if (used.user + used.system >= 300_000) break;
    }
    const cpu = m.stop();
    const own = process.cpuUsage(start);
    expect(x).toBeGreaterThan(0);
    // /proc counts in 10 ms ticks; the process's own figure bounds it from above (plus a tick or two).
    expect(cpu.seconds.bench).toBeGreaterThanOrEqual(0.25);
    expect(cpu.seconds.bench).toBeLessThanOrEqual((own.user + own.system) / 1e6 + 0.05);
    expect(cpu.machineBusy).toBeGreaterThan(0);
    expect(cpu.cores).toBeGreaterThanOrEqual(1);
  });
});
