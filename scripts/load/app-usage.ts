import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

// What the app costs the machine: CPU time and resident memory of the app's process and every
// process under it, read from /proc (Linux), so a phase's CPU per request and its peak RSS are known.

export type Usage = { cpuMs: number; rssBytes: number };

let ticks: number | undefined;
function clockTicks(): number {
  ticks ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  return ticks;
}

function stat(pid: number): { ppid: number; cpuTicks: number; rssPages: number } | null {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name sits in parentheses and may hold spaces: fields start after the last ")".
    const f = raw.slice(raw.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(f[1]), cpuTicks: Number(f[11]) + Number(f[12]), rssPages: Number(f[21]) };
  } catch {
    return null;
  }
}

/** CPU time so far and current RSS of `pid` and its descendants; null when it is gone or /proc is not there. */
export function processTreeUsage(pid: number): Usage | null {
  if (stat(pid) === null) return null;
  const all = new Map<number, NonNullable<ReturnType<typeof stat>>>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(Number(name));
    if (s) all.set(Number(name), s);
  }
  const tree = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [p, s] of all) {
      if (tree.has(p) || !tree.has(s.ppid)) continue;
      tree.add(p);
      grew = true;
    }
  }
  let cpuTicks = 0;
  let rssPages = 0;
  for (const p of tree) {
    cpuTicks += all.get(p)?.cpuTicks ?? 0;
    rssPages += all.get(p)?.rssPages ?? 0;
  }
  return { cpuMs: (cpuTicks * 1000) / clockTicks(), rssBytes: rssPages * 4096 };
}

/** Samples the app every second: the peak RSS per phase, and CPU between `mark`s. */
export function watchApp(pid: () => number) {
  const peaks = new Map<string, number>();
  let phase = "setup";
  const timer = setInterval(() => {
    const u = processTreeUsage(pid());
    if (u) peaks.set(phase, Math.max(peaks.get(phase) ?? 0, u.rssBytes));
  }, 1000);
  timer.unref();
  return {
    set phase(p: string) {
      phase = p;
    },
    get phase() {
      return phase;
    },
    peakRss: (p: string) => peaks.get(p) ?? Number.NaN,
    stop: () => clearInterval(timer),
  };
}

/** Who used the machine's CPU: the load clients (this process), the app's tree, and every other process by command name. */
export type MachineUsage = { totalMs: number; idleMs: number; clientsMs: number; byPid: Map<number, { comm: string; ms: number }> };

/** The machine's CPU time so far (from /proc/stat), this process's own, and every process's with its command name. */
export function machineUsage(): MachineUsage | null {
  try {
    const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest is already counted in user).
    const ticksToMs = 1000 / clockTicks();
    const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0) * ticksToMs;
    const idle = ((cpu[3] ?? 0) + (cpu[4] ?? 0)) * ticksToMs;
    const byPid = new Map<number, { comm: string; ms: number }>();
    for (const name of readdirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const raw = readFileSync(`/proc/${name}/stat`, "utf8");
        const comm = raw.slice(raw.indexOf("(") + 1, raw.lastIndexOf(")"));
        const f = raw.slice(raw.lastIndexOf(")") + 2).split(" ");
        byPid.set(Number(name), { comm, ms: (Number(f[11]) + Number(f[12])) * ticksToMs });
      } catch {
        // The process ended between the listing and the read.
      }
    }
    const own = process.cpuUsage();
    return { totalMs: total, idleMs: idle, clientsMs: (own.user + own.system) / 1000, byPid };
  } catch {
    return null;
  }
}

/**
 * Shares of the machine's CPU over a phase: the clients (this process: it also runs a sweep watcher, which
 * is small), the app, PostgreSQL, RabbitMQ, NATS, everything else, and idle — as fractions of all CPUs' time.
 * Per process: one that started during the phase counts whole; one that ended during it is not seen (its
 * last moments fall into "other"), e.g. a short-lived PostgreSQL backend.
 */
export function machineShares(before: MachineUsage, after: MachineUsage, appMs: number): Record<string, number> {
  const total = after.totalMs - before.totalMs;
  if (!(total > 0)) return {};
  const delta = (comm: (c: string) => boolean) => {
    let ms = 0;
    for (const [pid, a] of after.byPid) if (comm(a.comm)) ms += Math.max(0, a.ms - (before.byPid.get(pid)?.ms ?? 0));
    return ms;
  };
  const clients = after.clientsMs - before.clientsMs;
  const postgres = delta((c) => c === "postgres");
  const rabbitmq = delta((c) => c === "beam.smp" || c.startsWith("erl") || c === "inet_gethost" || c === "epmd");
  const nats = delta((c) => c === "nats-server");
  const idle = after.idleMs - before.idleMs;
  const other = Math.max(0, total - idle - clients - appMs - postgres - rabbitmq - nats);
  return { clients: clients / total, app: appMs / total, postgres: postgres / total, rabbitmq: rabbitmq / total, nats: nats / total, other: other / total, idle: idle / total };
}
