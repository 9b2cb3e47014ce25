import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { until } from "../../support/rabbit-admin";

// Redrive replicas as real processes (run-replica.ts: the server's own boot), sent real signals.

const ROOT = path.resolve(import.meta.dirname, "..", "..", "..");

export type Replica = {
  name: string;
  child: ChildProcess;
  /** The job runner's lease owner id. */
  owner: string;
  output: () => string;
  /** Exit code and signal, once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends SIGTERM; resolves with how it exited and how long it took. */
  terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
};

export async function startReplica(name: string, env: { configPath: string; databaseUrl: string; logLevel?: "debug" | "info" }): Promise<Replica> {
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "tests/fault/support/run-replica.ts"], {
    cwd: ROOT,
    env: { ...process.env, REDRIVE_CONFIG: env.configPath, DATABASE_URL: env.databaseUrl, REDRIVE_LOG_LEVEL: env.logLevel ?? "info", REDRIVE_ADMIN_PASSWORD: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  await until(async () => output, (o) => /ready \S+/.test(o) || child.exitCode !== null, 90_000, 100);
  const owner = /ready (\S+)/.exec(output)?.[1];
  if (!owner) throw new Error(`replica ${name} did not start:\n${output}`);
  return {
    name,
    child,
    owner,
    output: () => output,
    exited,
    async terminate() {
      const t0 = Date.now();
      child.kill("SIGTERM");
      const r = await exited;
      return { ...r, ms: Date.now() - t0 };
    },
  };
}

/** SIGKILL for whatever a failed test left running. */
export function killAll(replicas: Iterable<Replica>): void {
  for (const r of replicas) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill("SIGKILL");
}

/** The shutdown log lines of a replica, in order ("shutdown started", each step, "shutdown complete"). */
export function shutdownLines(output: string): Array<{ msg: string; ms?: number; detail?: string }> {
  return output
    .split("\n")
    .filter((l) => l.startsWith("{") && l.includes('"msg":"shutdown'))
    .map((l) => JSON.parse(l) as { msg: string; ms?: number; detail?: string });
}
