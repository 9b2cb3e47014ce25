import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

// Where the machine's CPU went during one measured run: the CPU time of every process (from
// /proc/<pid>/stat, all its threads) grouped as the broker, PostgreSQL, this process (which runs
// Redrive's job or collector in-process, or the bare baseline's client) and everything else, and
// the machine's busy share (/proc/stat). Per letter, these say what a letter costs each part and
// how many letters a second the machine's cores allow at that cost: the CPU ceiling.

export type CpuGroup = "broker" | "store" | "bench" | "other";
export const CPU_GROUPS: CpuGroup[] = ["broker", "store", "bench", "other"];

export type CpuUse = {
  cores: number;
  /** CPU seconds used by each group during the run. */
  seconds: Record<CpuGroup, number>;
  /** Share of all cores' time that was busy (any process), 0..1. */
  machineBusy: number;
};

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const HZ = 100;

function groupOf(pid: number, comm: string): CpuGroup {
  if (pid === process.pid) return "bench";
  if (comm === "postgres") return "store";
  if (comm === "beam.smp" || comm === "nats-server" || comm.startsWith("erl_") || comm === "inet_gethost") return "broker";
  return "other";
}

/** utime + stime of every process now, in ticks, by pid. */
function processTicks(): Map<number, { group: CpuGroup; ticks: number }> {
  const out = new Map<number, { group: CpuGroup; ticks: number }>();
  let pids: string[] = [];
  try {
    pids = readdirSync("/proc").filter((x) => /^\d+$/.test(x));
  } catch {
    return out;
  }
  for (const p of pids) {
    try {
      const st = readFileSync(`/proc/${p}/stat`, "utf8");
      const open = st.indexOf("(");
      const close = st.lastIndexOf(")");
      const fields = st.slice(close + 2).split(" ");
      // Fields after the command: state is [0], so utime (14th of the line) is [11] and stime [12].
      const ticks = Number(fields[11]) + Number(fields[12]);
      if (Number.isFinite(ticks)) out.set(Number(p), { group: groupOf(Number(p), st.slice(open + 1, close)), ticks });
    } catch {
      // gone between the listing and the read
    }
  }
  return out;
}

function machineTicks(): { busy: number; total: number } {
  try {
    const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = cpu.reduce((a, b) => a + b, 0);
    const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/** Whether this machine exposes per-process CPU times (Linux /proc). */
export function canMeterCpu(): boolean {
  return processTicks().size > 0 && machineTicks().total > 0;
}

/**
 * Starts metering: stop() reports the CPU each group used since. A process that started meanwhile
 * counts in full; one that ended meanwhile is not seen (a short-lived helper's CPU is missed).
 */
export function startCpu(): { stop: () => CpuUse } {
  const before = processTicks();
  const m0 = machineTicks();
  return {
    stop: () => {
      const m1 = machineTicks();
      const seconds: Record<CpuGroup, number> = { broker: 0, store: 0, bench: 0, other: 0 };
      for (const [pid, now] of processTicks()) {
        const was = before.get(pid)?.ticks ?? 0;
        seconds[now.group] += Math.max(0, now.ticks - was) / HZ;
      }
      const dt = m1.total - m0.total;
      return { cores: availableParallelism(), seconds, machineBusy: dt > 0 ? (m1.busy - m0.busy) / dt : Number.NaN };
    },
  };
}

/** Runs `run` and reports the CPU each group used meanwhile (see startCpu). */
export async function meterCpu<T>(run: () => Promise<T>): Promise<{ result: T; cpu: CpuUse }> {
  const m = startCpu();
  const result = await run();
  return { result, cpu: m.stop() };
}

/** Microseconds of CPU per letter, by group and in all (broker + store + bench: the work the run itself made). */
export function perLetter(c: CpuUse, n: number): Record<CpuGroup | "total", number> {
  const us = (s: number) => (s * 1e6) / n;
  return {
    broker: us(c.seconds.broker),
    store: us(c.seconds.store),
    bench: us(c.seconds.bench),
    other: us(c.seconds.other),
    total: us(c.seconds.broker + c.seconds.store + c.seconds.bench),
  };
}

/** Letters a second the machine's cores allow at the run's own CPU cost per letter (broker + store + bench). */
export function cpuCeiling(c: CpuUse, n: number): number {
  const total = perLetter(c, n).total;
  return total > 0 ? (c.cores * 1e6) / total : Number.NaN;
}

/** The median of each figure over several runs of the same kind (each run's figures per letter). */
export function medianPerLetter(runs: Array<{ cpu: CpuUse; n: number }>): { perLetter: Record<CpuGroup | "total", number>; machineBusy: number; ceiling: number; cores: number } | null {
  if (runs.length === 0) return null;
  const med = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const k = Math.floor(s.length / 2);
    return s.length % 2 ? s[k]! : (s[k - 1]! + s[k]!) / 2;
  };
  const each = runs.map((r) => perLetter(r.cpu, r.n));
  const keys = [...CPU_GROUPS, "total"] as const;
  const pl = Object.fromEntries(keys.map((k) => [k, med(each.map((e) => e[k]))])) as Record<CpuGroup | "total", number>;
  return {
    perLetter: pl,
    machineBusy: med(runs.map((r) => r.cpu.machineBusy)),
    ceiling: med(runs.map((r) => cpuCeiling(r.cpu, r.n))),
    cores: runs[0]!.cpu.cores,
  };
}
