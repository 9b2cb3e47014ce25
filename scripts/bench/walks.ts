import { jetstreamManager } from "@nats-io/jetstream";
import { PAGE_SIZE } from "@/lib/brokers/rabbitmq/list-rabbit-queues";
import type { ManagementClient } from "@/lib/brokers/rabbitmq/management-client";
import { describeError } from "@/lib/errors";
import { GUEST, MANAGEMENT_URL } from "./local";
import { connectNats } from "./nats-load";

// The baselines: the same listings as an operator's script would walk them, without Redrive's
// derivation and store writes.

export type WalkResult = { ms: number; requests: number; items: number; slowestMs: number; error: string | null };

const AUTH = "Basic " + Buffer.from(`${GUEST.user}:${GUEST.password}`).toString("base64");

/** Counts and times every request a ManagementClient makes, and remembers the first paths. */
export function countManagementRequests(api: ManagementClient): { count(): number; slowest(): number; reset(): void; paths: string[] } {
  let n = 0;
  let slowest = 0;
  const paths: string[] = [];
  const inner = api.get.bind(api) as ManagementClient["get"];
  // Every argument passes through untouched (lib sets per-call timeouts on some requests).
  api.get = async <T>(...args: Parameters<ManagementClient["get"]>): Promise<T> => {
    n++;
    if (paths.length < 100) paths.push(args[0]);
    const started = performance.now();
    try {
      return await inner<T>(...args);
    } finally {
      slowest = Math.max(slowest, performance.now() - started);
    }
  };
  return { count: () => n, slowest: () => slowest, reset: () => void (slowest = 0), paths };
}

async function timed(fn: (r: { requests: number; items: number; slowestMs: number }) => Promise<void>): Promise<WalkResult> {
  const started = performance.now();
  const r = { requests: 0, items: 0, slowestMs: 0 };
  try {
    await fn(r);
    return { ms: performance.now() - started, ...r, error: null };
  } catch (e) {
    return { ms: performance.now() - started, ...r, error: describeError(e) };
  }
}

async function getPage(path: string): Promise<{ items: unknown[]; page_count: number }> {
  const res = await fetch(`${MANAGEMENT_URL}${path}`, { headers: { authorization: AUTH, accept: "application/json" }, signal: AbortSignal.timeout(120_000) });
  if (!res.ok) throw new Error(`${path.replace(/\?.*$/, "")}: HTTP ${res.status}`);
  return (await res.json()) as { items: unknown[]; page_count: number };
}

/**
 * GET /api/queues/<vhost>?page=N&page_size=500, every page, as an operator's script walks them:
 * with `extra` = "" every column, or e.g. "&columns=…" trimmed. No sort (the server's default, vhost
 * then name). Parsing the JSON is part of the walk.
 */
export function plainQueueWalk(vhost: string, expected: number, extra = ""): Promise<WalkResult> {
  return timed(async (r) => {
    const maxPages = Math.ceil(expected / PAGE_SIZE) + 2;
    for (let page = 1; page <= maxPages; page++) {
      const started = performance.now();
      const body = await getPage(`/api/queues/${encodeURIComponent(vhost)}?page=${page}&page_size=${PAGE_SIZE}${extra}`);
      r.slowestMs = Math.max(r.slowestMs, performance.now() - started);
      r.requests++;
      r.items += body.items.length;
      if (page >= body.page_count || body.items.length === 0) break;
    }
  });
}

/** The `columns=` list Redrive sent, read from one of its recorded request paths. */
export function columnsOf(path: string | undefined): string | null {
  if (!path) return null;
  return new URL(path, MANAGEMENT_URL).searchParams.get("columns");
}

export type PageProbe = { query: string; pagesMs: number[]; bytes: number };

/** One page of 500 by query shape (first, middle and last page), to show where the time goes. */
export async function probePages(vhost: string, queues: number, columns: string): Promise<PageProbe[]> {
  const last = Math.max(1, Math.ceil(queues / PAGE_SIZE));
  const pages = [...new Set([1, Math.ceil(last / 2), last])];
  const cols = `columns=${encodeURIComponent(columns)}`;
  const shapes = ["", cols, "sort=name", `sort=name&${cols}`];
  const out: PageProbe[] = [];
  for (const q of shapes) {
    const pagesMs: number[] = [];
    let bytes = 0;
    for (const page of pages) {
      const started = performance.now();
      const res = await fetch(`${MANAGEMENT_URL}/api/queues/${encodeURIComponent(vhost)}?page=${page}&page_size=${PAGE_SIZE}${q ? `&${q}` : ""}`, {
        headers: { authorization: AUTH },
        signal: AbortSignal.timeout(120_000),
      });
      bytes = (await res.arrayBuffer()).byteLength;
      pagesMs.push(performance.now() - started);
    }
    out.push({ query: q.replace(cols, "columns=<Redrive's>") || "(none)", pagesMs, bytes });
  }
  return out;
}

/** Every stream and consumer through the JetStream client's own listers, on a connection of its own. */
export async function natsListerWalk(): Promise<WalkResult> {
  const nc = await connectNats("redrive-bench-baseline");
  try {
    const jsm = await jetstreamManager(nc, { timeout: 10_000 });
    const before = nc.stats().outMsgs;
    return await timed(async (r) => {
      const streams: string[] = [];
      for await (const s of jsm.streams.list()) streams.push(s.config.name);
      for (const name of streams) for await (const _c of jsm.consumers.list(name)) r.items++;
      r.requests = nc.stats().outMsgs - before;
    });
  } finally {
    await nc.close();
  }
}
