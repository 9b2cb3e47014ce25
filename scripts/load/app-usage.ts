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
