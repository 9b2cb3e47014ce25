import "server-only";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";

// The embedded store belongs to exactly one process. That process keeps a small owner file in the
// folder naming itself (pid, host, start time, and where it answers questions such as "verify the
// audit log"). Another process reads it to say who holds the folder, and to tell a live owner from
// one that was killed (SIGKILL, a crash, a power cut): a dead owner's file must not block a start.

export const OWNER_FILE = "redrive-owner.json";

export type StoreOwner = {
  pid: number;
  host: string;
  /** When the owning process started (ISO 8601). */
  startedAt: string;
  /** What holds it: the Redrive server, or a tool reading the folder while Redrive is stopped. */
  role: "server" | "tool";
  /**
   * Linux: the kernel's boot id and the process's start tick, which together tell the owner from
   * a later process that happens to get the same pid (a container restarted, say). Null elsewhere.
   */
  processStart: string | null;
  /** The owner's control socket (serve-store-control), or null when it has none. */
  control: string | null;
};

/** alive: the owner runs; dead: it is gone (its file is stale); elsewhere: another machine, which cannot be checked from here. */
export type OwnerState = "alive" | "dead" | "elsewhere";

export function ownerFilePath(dataDir: string): string {
  return path.join(dataDir, OWNER_FILE);
}

/** This process as an owner file describes it. */
export function thisProcessOwner(role: StoreOwner["role"], control: string | null): StoreOwner {
  return {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date(Date.now() - Math.round(process.uptime() * 1000)).toISOString(),
    role,
    processStart: processStartOf(process.pid),
    control,
  };
}

/** "the Redrive server (pid 4242 on host build-7, started 2026-12-06T09:14:03.120Z)". */
export function describeOwner(o: StoreOwner): string {
  return `${o.role === "server" ? "the Redrive server" : "a Redrive tool (audit:verify)"} (pid ${o.pid} on host ${o.host}, started ${o.startedAt})`;
}

/** The folder's owner file and whether its process still runs; null when there is none. */
export async function readStoreOwner(dataDir: string): Promise<{ owner: StoreOwner; state: OwnerState; raw: string } | null> {
  let raw: string;
  try {
    raw = await readFile(/*turbopackIgnore: true*/ ownerFilePath(dataDir), "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  const owner = parseOwner(raw);
  // A file that is not ours to read (hand-edited, truncated by a full disk) names nobody alive.
  if (!owner) return { owner: { pid: 0, host: "unknown", startedAt: "unknown", role: "server", processStart: null, control: null }, state: "dead", raw };
  return { owner, state: ownerState(owner), raw };
}

function parseOwner(raw: string): StoreOwner | null {
  try {
    const o = JSON.parse(raw) as Partial<StoreOwner>;
    if (typeof o.pid !== "number" || typeof o.host !== "string" || typeof o.startedAt !== "string") return null;
    return {
      pid: o.pid,
      host: o.host,
      startedAt: o.startedAt,
      role: o.role === "tool" ? "tool" : "server",
      processStart: typeof o.processStart === "string" ? o.processStart : null,
      control: typeof o.control === "string" ? o.control : null,
    };
  } catch {
    return null;
  }
}

export function ownerState(o: StoreOwner): OwnerState {
  if (o.host !== hostname()) return "elsewhere";
  if (!pidRuns(o.pid)) return "dead";
  // Same pid, different start: the owner died and the pid was given to another process since.
  if (o.processStart !== null) {
    const now = processStartOf(o.pid);
    if (now !== null && now !== o.processStart) return "dead";
  }
  return "alive";
}

function pidRuns(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: it runs, under another user.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  // A killed process stays a zombie until its parent reaps it: it holds nothing any more.
  return procStat(pid)?.state !== "Z";
}

function processStartOf(pid: number): string | null {
  const stat = procStat(pid);
  if (!stat) return null;
  try {
    const boot = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    return `${boot}:${stat.startTicks}`;
  } catch {
    return null;
  }
}

/** Linux /proc/<pid>/stat: the state letter and the start time in clock ticks since boot; null where there is no /proc. */
function procStat(pid: number): { state: string; startTicks: string } | null {
  let text: string;
  try {
    text = readFileSync(/*turbopackIgnore: true*/ `/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: the fields after it start past the last ")".
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const state = fields[0];
  const startTicks = fields[19];
  return state && startTicks ? { state, startTicks } : null;
}
