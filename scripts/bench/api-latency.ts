import { consumerListQuery, listConsumers } from "@/lib/health/list-consumers";
import { getStore } from "@/lib/db/get-store";
import type { Store } from "@/lib/db/open-store";
import { summarize, type Summary } from "./stats";

// /api/consumers as the console calls it, sequentially and 10 at a time, next to the same query
// in-process (no HTTP, no framework), /api/health and SELECT 1 through the same store.

export const KINDS = ["default", "backlog", "name", "state", "offset", "all"] as const;
export type Kind = (typeof KINDS)[number];

export const KIND_LABELS: Record<Kind, string> = {
  default: "default sort (state), limit=500",
  backlog: "sort=backlog, limit=500",
  name: "name filter q=q-00NN, limit=500",
  state: "state filter (not OK), limit=500",
  offset: "offset paging, limit=500",
  all: "limit=10000",
};

/** The mix, in a fixed order: per 20 requests 4 of each limit=500 kind but offset (3) and one limit=10000. */
const PATTERN: Kind[] = ["default", "backlog", "name", "state", "offset", "default", "backlog", "name", "state", "offset", "default", "backlog", "name", "state", "offset", "default", "backlog", "name", "state", "all"];

export function requestMix(n: number): Kind[] {
  return Array.from({ length: n }, (_, i) => PATTERN[i % PATTERN.length]!);
}

function query(kind: Kind, i: number, ctx: { queues: number; total: number }): Record<string, string> {
  switch (kind) {
    case "default":
      return { limit: "500" };
    case "backlog":
      return { sort: "backlog", limit: "500" };
    case "name":
      // q-00NN matches 100 queue names (q-00NN00 … q-00NN99).
      return { q: `q-00${String(i % Math.max(1, Math.min(100, Math.floor(ctx.queues / 100)))).padStart(2, "0")}`, limit: "500" };
    case "state":
      return { state: "STOPPED,STALLED,LAGGING,FAILING,UNKNOWN", limit: "500" };
    case "offset":
      return { offset: String(500 * (1 + (i % Math.max(1, Math.floor(ctx.total / 500) - 1)))), limit: "500" };
    case "all":
      return { limit: "10000" };
  }
}

export type Sample = { kind: Kind; ms: number; bytes: number; items: number };
export type KindFigures = { kind: Kind; latency: Summary; bytesP50: number; itemsP50: number };
export type ApiFigures = {
  total: number;
  sequential: KindFigures[];
  inProcess: KindFigures[] | null;
  inProcessNote: string | null;
  concurrent: { workers: number; wallMs: number; perKind: KindFigures[]; all: Summary };
  health: Summary;
  select1: Summary;
};

function byKind(samples: Sample[]): KindFigures[] {
  return KINDS.filter((k) => samples.some((s) => s.kind === k)).map((kind) => {
    const mine = samples.filter((s) => s.kind === kind);
    return { kind, latency: summarize(mine.map((s) => s.ms)), bytesP50: summarize(mine.map((s) => s.bytes)).p50, itemsP50: summarize(mine.map((s) => s.items)).p50 };
  });
}

async function httpSample(url: string, headers: Record<string, string>, kind: Kind, params: Record<string, string>): Promise<Sample> {
  const started = performance.now();
  const res = await fetch(`${url}/api/consumers?${new URLSearchParams(params)}`, { headers, signal: AbortSignal.timeout(60_000) });
  const text = await res.text();
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`/api/consumers?${new URLSearchParams(params)} → HTTP ${res.status}: ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { data: { items: unknown[]; total: number } };
  return { kind, ms, bytes: Buffer.byteLength(text), items: body.data.items.length };
}

async function repeat(n: number, fn: () => Promise<unknown>, deadline: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n && Date.now() < deadline; i++) {
    const started = performance.now();
    await fn();
    out.push(performance.now() - started);
  }
  return out;
}

/** Runs listConsumers in this process against the bench store, by handing getStore() that store. */
async function inProcess(store: Store, mix: Kind[], ctx: { queues: number; total: number }, deadline: number): Promise<{ samples: Sample[] | null; note: string | null }> {
  // getStore() keeps its store on globalThis.__redriveStore (lib/db/get-store.ts); the bench puts its
  // own there for the duration, and checks it took, instead of opening a second store from env.
  const holder = globalThis as typeof globalThis & { __redriveStore?: Promise<Store> };
  const previous = holder.__redriveStore;
  holder.__redriveStore = Promise.resolve(store);
  try {
    if ((await getStore()) !== store) return { samples: null, note: "getStore() no longer reads globalThis.__redriveStore; in-process figures skipped" };
    const samples: Sample[] = [];
    for (const [i, kind] of mix.entries()) {
      if (Date.now() > deadline) break;
      const q = consumerListQuery.parse(query(kind, i, ctx));
      const started = performance.now();
      const r = await listConsumers(q);
      const text = JSON.stringify(r);
      samples.push({ kind, ms: performance.now() - started, bytes: Buffer.byteLength(text), items: r.items.length });
    }
    return { samples, note: null };
  } finally {
    if (previous) holder.__redriveStore = previous;
    else delete holder.__redriveStore;
  }
}

export async function measureApi(opts: { url: string; headers: Record<string, string>; store: Store; queues: number; requests: number; signal: AbortSignal; log: (line: string) => void }): Promise<ApiFigures> {
  const deadline = Date.now() + 15 * 60_000;
  const res = await fetch(`${opts.url}/api/consumers?limit=1`, { headers: opts.headers, signal: AbortSignal.timeout(60_000) });
  if (res.status !== 200) throw new Error(`/api/consumers?limit=1 → HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`);
  const total = ((await res.json()) as { data: { total: number } }).data.total;
  const ctx = { queues: opts.queues, total };
  // Warm-up: the first request of each kind loads its code paths.
  for (const [i, kind] of KINDS.entries()) await httpSample(opts.url, opts.headers, kind, query(kind, i, ctx));

  const mix = requestMix(opts.requests);
  const sequential: Sample[] = [];
  for (const [i, kind] of mix.entries()) {
    opts.signal.throwIfAborted();
    if (Date.now() > deadline) break;
    sequential.push(await httpSample(opts.url, opts.headers, kind, query(kind, i, ctx)));
  }
  opts.log(`  /api/consumers: ${sequential.length} sequential requests done`);

  const workers = 10;
  const concMix = requestMix(Math.max(workers, Math.round(opts.requests / 2)));
  const concurrent: Sample[] = [];
  let next = 0;
  const wallStart = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < concMix.length && Date.now() < deadline && !opts.signal.aborted) {
        const i = next++;
        concurrent.push(await httpSample(opts.url, opts.headers, concMix[i]!, query(concMix[i]!, i, ctx)));
      }
    }),
  );
  const wallMs = performance.now() - wallStart;
  opts.signal.throwIfAborted();
  opts.log(`  /api/consumers: ${concurrent.length} requests, ${workers} at a time, done`);

  const baselineN = Math.max(10, Math.round(opts.requests / 5));
  const health = await repeat(
    baselineN,
    async () => {
      const res = await fetch(`${opts.url}/api/health`, { headers: opts.headers, signal: AbortSignal.timeout(30_000) });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`/api/health → HTTP ${res.status}`);
    },
    deadline,
  );
  const select1 = await repeat(baselineN, () => opts.store.prisma.$queryRaw`SELECT 1`, deadline);
  const local = await inProcess(opts.store, mix, ctx, deadline);

  return {
    total,
    sequential: byKind(sequential),
    inProcess: local.samples ? byKind(local.samples) : null,
    inProcessNote: local.note,
    concurrent: { workers, wallMs, perKind: byKind(concurrent), all: summarize(concurrent.map((s) => s.ms)) },
    health: summarize(health),
    select1: summarize(select1),
  };
}
