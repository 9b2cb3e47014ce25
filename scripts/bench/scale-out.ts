import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import amqp from "amqplib";
import { loadAverage } from "./machine";
import { GUEST, MANAGEMENT_URL, mgmt, sleep } from "./local";
import { createDatabase, dropDatabase } from "./temp-database";

// Scale-out: two replicas (real processes, the server's own boot) share four configured clusters
// (vhost-scoped RabbitMQ clusters on the local broker, each with its queues and an adopted DLQ).
// Measured from the replicas' own logs: which replica swept each cluster in each interval, how the
// clusters were split, how much sweeping each replica did per interval (against one replica alone,
// measured first in the same run), and how long the survivor took to sweep a killed replica's
// clusters (SIGKILL).

const ROOT = path.resolve(import.meta.dirname, "..", "..");

type Replica = { name: string; child: ChildProcess; out: () => string; exited: Promise<unknown> };
type Sweep = { at: number; cluster: string; ms: number };

export type ScaleOutFigures = {
  clusters: number;
  queuesPerCluster: number;
  intervalMs: number;
  /** One replica alone: sweeping per interval (sum of its sweeps' ms). */
  aloneMsPerInterval: number;
  /** Two replicas, settled, over `intervals` intervals. */
  intervals: number;
  split: Record<string, string[]>;
  msPerInterval: Record<string, number>;
  /** Sweeps of each cluster per interval (min and max over the clusters), and sweeps closer than half an interval to the previous one. */
  sweepsPerInterval: { min: number; max: number };
  doubleSweeps: number;
  collectedBy: Record<string, string[]>;
  /** Settling: from the second replica's start until it swept its share. */
  shareMs: number;
  /** From the SIGKILL until the survivor swept every cluster the killed replica led. */
  takeoverMs: number;
  loadAverage: string;
};

function start(name: string, env: Record<string, string>): Replica {
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/bench/replica.ts"], {
    cwd: ROOT,
    env: { ...process.env, ...env, REDRIVE_LOG_LEVEL: "debug", REDRIVE_ADMIN_PASSWORD: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return { name, child, out: () => out, exited };
}

function lines(r: Replica, msg: string): Array<{ at: number; cluster: string; ms: number }> {
  return r
    .out()
    .split("\n")
    .filter((l) => l.startsWith("{") && l.includes(`"msg":"${msg}"`))
    .map((l) => JSON.parse(l) as { t: string; cluster?: string; ms?: number })
    .map((l) => ({ at: Date.parse(l.t), cluster: l.cluster ?? "", ms: l.ms ?? 0 }));
}
const swept = (r: Replica, from: number, to = Infinity): Sweep[] => lines(r, "swept").filter((s) => s.at >= from && s.at < to);

async function until(ok: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`scale-out: timed out waiting for ${what}`);
    await sleep(100);
  }
}

export async function measureScaleOut(opts: { id: string; queuesPerCluster: number; intervalMs?: number; intervals?: number; log?: (line: string) => void }): Promise<ScaleOutFigures> {
  const intervalMs = opts.intervalMs ?? 5000;
  const intervals = opts.intervals ?? 6;
  const vhosts = [0, 1, 2, 3].map((i) => `bench-${opts.id}-so${i}`);
  const clusters = vhosts.map((v) => `bench-so-${v}`);
  const database = `redrive_bench_so_${opts.id}`;
  const dir = await mkdtemp(path.join(tmpdir(), "redrive-bench-so-"));
  const replicas: Replica[] = [];
  const kill = () => replicas.forEach((r) => r.child.exitCode === null && r.child.signalCode === null && r.child.kill("SIGKILL"));
  try {
    const db = await createDatabase(database);
    for (const v of vhosts) {
      await mgmt("PUT", `/api/vhosts/${encodeURIComponent(v)}`, { body: {} });
      await mgmt("PUT", `/api/permissions/${encodeURIComponent(v)}/${GUEST.user}`, { body: { configure: ".*", write: ".*", read: ".*" } });
      const conn = await amqp.connect(`amqp://${GUEST.user}:${GUEST.password}@127.0.0.1:5672/${encodeURIComponent(v)}`);
      const ch = await conn.createConfirmChannel();
      await ch.assertQueue("work.dlq", { durable: true });
      for (let q = 0; q < opts.queuesPerCluster; q++) await ch.assertQueue(`q${q}`, { durable: false, arguments: { "x-dead-letter-exchange": "", "x-dead-letter-routing-key": "work.dlq" } });
      for (let q = 0; q < opts.queuesPerCluster; q += 10) ch.sendToQueue(`q${q}`, Buffer.from("x"));
      await ch.waitForConfirms();
      await conn.close();
    }
    const configPath = path.join(dir, "redrive.config.json");
    await writeFile(
      configPath,
      JSON.stringify({
        clusters: vhosts.map((v, i) => ({ name: clusters[i], kind: "rabbitmq", amqpUrl: `amqp://${GUEST.user}:${GUEST.password}@127.0.0.1:5672`, managementUrl: MANAGEMENT_URL, vhosts: [v], deadLetters: { adopt: [`${v}/work.dlq`], queues: [] } })),
        sampler: { intervalSeconds: intervalMs / 1000 },
      }),
    );
    const env = { REDRIVE_CONFIG: configPath, DATABASE_URL: db.url };

    opts.log?.("  scale-out: replica A alone");
    const a = start("A", env);
    replicas.push(a);
    await until(() => new Set(swept(a, 0).map((s) => s.cluster)).size === clusters.length, 120_000, "replica A to sweep every cluster");
    const aloneFrom = Date.now();
    await sleep(3 * intervalMs);
    const alone = swept(a, aloneFrom, Date.now());
    const aloneMsPerInterval = alone.reduce((n, s) => n + s.ms, 0) / 3;

    opts.log?.("  scale-out: replica B joins");
    const b = start("B", env);
    replicas.push(b);
    const bFrom = Date.now();
    await until(() => new Set(swept(b, bFrom).map((s) => s.cluster)).size >= clusters.length / 2, 120_000, "replica B to take its share");
    const shareMs = Math.max(...clusters.map((c) => swept(b, bFrom).find((s) => s.cluster === c)?.at ?? 0)) - bFrom;
    await sleep(intervalMs);
    const from = Date.now();
    await sleep(intervals * intervalMs);
    const to = Date.now();
    const byA = swept(a, from, to);
    const byB = swept(b, from, to);
    const per = clusters.map((c) => [...byA, ...byB].filter((s) => s.cluster === c).map((s) => s.at).sort((x, y) => x - y));
    let doubleSweeps = 0;
    for (const times of per) for (let i = 1; i < times.length; i++) if (times[i]! - times[i - 1]! < intervalMs / 2) doubleSweeps++;
    const split = { A: [...new Set(byA.map((s) => s.cluster))].sort(), B: [...new Set(byB.map((s) => s.cluster))].sort() };
    const collectedBy = { A: [...new Set(lines(a, "collector leads a cluster").map((l) => l.cluster))], B: [...new Set(lines(b, "collector leads a cluster").map((l) => l.cluster))] };

    opts.log?.("  scale-out: SIGKILL to replica A");
    const killedAt = Date.now();
    a.child.kill("SIGKILL");
    await a.exited;
    await until(() => split.A.every((c) => swept(b, killedAt).some((s) => s.cluster === c)), 10 * intervalMs, "replica B to take replica A's clusters");
    const takeoverMs = Math.max(...split.A.map((c) => swept(b, killedAt).find((s) => s.cluster === c)!.at)) - killedAt;
    b.child.kill("SIGTERM");
    await b.exited;
    return {
      clusters: clusters.length,
      queuesPerCluster: opts.queuesPerCluster,
      intervalMs,
      aloneMsPerInterval,
      intervals,
      split,
      msPerInterval: { A: byA.reduce((n, s) => n + s.ms, 0) / intervals, B: byB.reduce((n, s) => n + s.ms, 0) / intervals },
      sweepsPerInterval: { min: Math.min(...per.map((t) => t.length)) / intervals, max: Math.max(...per.map((t) => t.length)) / intervals },
      doubleSweeps,
      collectedBy,
      shareMs,
      takeoverMs,
      loadAverage: loadAverage(),
    };
  } finally {
    kill();
    for (const v of vhosts) await mgmt("DELETE", `/api/vhosts/${encodeURIComponent(v)}`).catch(() => undefined);
    await dropDatabase(database).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

export function scaleOutMarkdown(f: ScaleOutFigures): string {
  const short = (names: string[]) => names.map((n) => n.replace(/^bench-so-bench-[0-9a-f]+-/, "")).join(", ") || "—";
  return [
    "### Scale-out: 2 replicas × 4 clusters",
    "",
    `${f.clusters} vhost-scoped RabbitMQ clusters of ${f.queuesPerCluster} queues each (and an adopted DLQ) on the local broker, sampler interval ${f.intervalMs / 1000} s; two replicas as real processes, observed for ${f.intervals} intervals once settled. Load average ${f.loadAverage}.`,
    "",
    "| figure | value |",
    "| --- | --- |",
    `| sweeps of each cluster per interval (min – max over clusters) | ${f.sweepsPerInterval.min.toFixed(2)} – ${f.sweepsPerInterval.max.toFixed(2)} |`,
    `| sweeps less than half an interval after the previous one of the same cluster | ${f.doubleSweeps} |`,
    `| clusters swept by A / by B | ${short(f.split.A ?? [])} / ${short(f.split.B ?? [])} |`,
    `| clusters collected by A / by B (taken since start) | ${short(f.collectedBy.A ?? [])} / ${short(f.collectedBy.B ?? [])} |`,
    `| sweeping per interval: one replica alone (baseline) | ${Math.round(f.aloneMsPerInterval)} ms |`,
    `| sweeping per interval: A / B, sharing | ${Math.round(f.msPerInterval.A ?? 0)} ms / ${Math.round(f.msPerInterval.B ?? 0)} ms |`,
    `| B's start to B sweeping its share | ${(f.shareMs / 1000).toFixed(1)} s |`,
    `| takeover: SIGKILL to A, until B swept every cluster A led | ${(f.takeoverMs / 1000).toFixed(1)} s (${(f.takeoverMs / f.intervalMs).toFixed(2)} intervals) |`,
  ].join("\n");
}
