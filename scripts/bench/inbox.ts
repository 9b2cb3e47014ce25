import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { openStore, type Store } from "@/lib/db/open-store";
import { letterFilters, whereClause } from "@/lib/dead-letters/letter-filters";
import { listLetterGroups } from "@/lib/dead-letters/list-letter-groups";
import { letterListQuery, listLetters, LETTER_COLUMNS } from "@/lib/dead-letters/list-letters";
import type { Cleanup } from "./cleanup";
import { BURST_GROUPS, fillBurst, fillInbox } from "./dead-letters";
import { summarize, type Summary } from "./stats";

// The inbox at a million letters, on PostgreSQL and on the embedded store: listLetters and
// listLetterGroups called in-process, each next to its target and to the statement the inbox ran
// before its search indexes and group counts existed ("before"), timed in the same run on the same data.

export type InboxKind = {
  key: string;
  label: string;
  latency: Summary;
  items: number;
  /** The p95 the inbox must stay under, where it has one. */
  targetP95: number | null;
  /** The statement as the inbox ran it before, same data, same run. */
  before: Summary | null;
};

/** Index entries the groups view's last-24-hours arrivals read: the groups shown's letters of the last 24 h. */
export type ArrivalsRead = { shown: number; lastDay: number };

/** The same kinds once a burst landed on top of the month: an outage's letters, all in the last hour. */
export type BurstFigures = {
  /** Letters of the burst, its cause groups, and the letters in the inbox with it. */
  letters: number;
  causeGroups: number;
  rows: number;
  insertMs: number;
  kinds: InboxKind[];
  arrivals: ArrivalsRead;
};

export type InboxFigures = {
  store: "postgres" | "embedded";
  rows: number;
  insertMs: number;
  kinds: InboxKind[];
  baseline: Summary;
  groups: number;
  arrivals: ArrivalsRead;
  /** null when the run asked for no burst. */
  burst: BurstFigures | null;
  /** Resident memory of the process holding the embedded store (it runs inside Redrive's own process). */
  rssMiB: number | null;
};

export const INBOX_TARGETS = { q: 200, header: 50, groups: 100 } as const;

const holder = globalThis as typeof globalThis & { __redriveStore?: Promise<Store> };

/** Runs `fn` with getStore() answering `store` (listLetters and listLetterGroups read it). */
async function withStore<T>(store: Store, fn: () => Promise<T>): Promise<T> {
  const previous = holder.__redriveStore;
  holder.__redriveStore = Promise.resolve(store);
  try {
    return await fn();
  } finally {
    if (previous) holder.__redriveStore = previous;
    else delete holder.__redriveStore;
  }
}

/** A statement with the given planner switches off (for this transaction only). */
function without(store: Store, switches: string[], sql: string, params: unknown[]): Promise<unknown[]> {
  return store.prisma.$transaction(
    async (tx) => {
      for (const s of switches) await tx.$executeRawUnsafe(`SET LOCAL ${s} = off`);
      return tx.$queryRawUnsafe<unknown[]>(sql, ...params);
    },
    { maxWait: 60_000, timeout: 600_000 },
  );
}

/** The default burst: 40 % of the letters once it has landed on the month's `m`. */
export function burstSize(m: number): number {
  return Math.round((m * 2) / 3);
}

/**
 * Fills the store's inbox with `m` letters for the two clusters, times every kind; then lands a burst
 * of `burst` letters in the last hour on top (0: none) and times the burst's kinds.
 */
export async function measureInbox(
  store: Store,
  ids: [string, string],
  m: number,
  signal: AbortSignal,
  log: (line: string) => void,
  burst = burstSize(m),
): Promise<InboxFigures> {
  const p = store.prisma;
  const t = performance.now();
  await fillInbox(p, ids, m, signal, log);
  const insertMs = performance.now() - t;
  return withStore(store, async () => {
    const even = await timeKinds(store, m, insertMs, signal, log);
    if (burst <= 0) return even;
    log(`inbox (${store.kind}): a burst of ${burst.toLocaleString("en-US")} letters in the last hour, on top`);
    const t1 = performance.now();
    await fillBurst(p, ids[0], burst, signal, log);
    return { ...even, burst: await timeBurst(store, burst, performance.now() - t1, signal, log) };
  });
}

/** One warm-up call, then up to `max` timed calls within the budget (at least 3). */
function sampler(m: number, signal: AbortSignal) {
  const BUDGET_MS = m >= 100_000 ? 8000 : 2000;
  return async (fn: () => Promise<number>, max = 20): Promise<{ s: Summary; items: number }> => {
    await fn(); // warm-up
    const out: number[] = [];
    let items = 0;
    const deadline = Date.now() + BUDGET_MS;
    for (let i = 0; i < max && (i < 3 || Date.now() < deadline); i++) {
      signal.throwIfAborted();
      const t0 = performance.now();
      items = await fn();
      out.push(performance.now() - t0);
    }
    return { s: summarize(out), items };
  };
}

/** How many index entries the groups view's arrivals read now: see ArrivalsRead. */
async function arrivalsRead(store: Store): Promise<ArrivalsRead> {
  const shown = (await listLetterGroups(letterFilters.parse({}))).groups.map((g) => g.fingerprint);
  const rows = await store.prisma.$queryRawUnsafe<Array<{ shown: bigint; day: bigint }>>(
    `SELECT count(*) FILTER (WHERE "fingerprint" = ANY($1::text[])) AS shown, count(*) AS day FROM "dead_letters" WHERE "captured_at" >= now() - interval '24 hours'`,
    shown,
  );
  return { shown: Number(rows[0]!.shown), lastDay: Number(rows[0]!.day) };
}

/**
 * The header filter's page as listLetters ran it before its walk was bounded: one newest-first walk
 * of the search table until the page is full, however many rows without the value come first.
 */
function headerWalkBefore(store: Store, filters: Record<string, string>): () => Promise<number> {
  return async () => {
    const q = letterListQuery.parse(filters);
    const where = whereClause(q, 1, "d", true);
    const rows = await store.prisma.$queryRawUnsafe<unknown[]>(
      `SELECT ${LETTER_COLUMNS} FROM "dead_letter_search" ls JOIN "dead_letters" d ON d."id" = ls."letter_id" JOIN "clusters" c ON c."id" = d."cluster_id"
       WHERE ${where.sql} ORDER BY ls."captured_at" DESC, ls."letter_id" DESC LIMIT $${where.params.length + 1}`,
      ...where.params,
      q.limit + 1,
    );
    return Math.min(rows.length, q.limit);
  };
}

/** The burst's kinds: the newest page, the header filter (its values all older than the burst), the groups. */
async function timeBurst(store: Store, letters: number, insertMs: number, signal: AbortSignal, log: (line: string) => void): Promise<BurstFigures> {
  const rows = await store.prisma.deadLetter.count();
  const sample = sampler(rows, signal);
  const kinds: InboxKind[] = [];
  const lists: Array<{ key: string; label: string; filters: Record<string, string>; target: number | null; before: boolean }> = [
    { key: "first", label: "first page (no filter): the burst's newest", filters: {}, target: null, before: false },
    { key: "header", label: "filter by header (`x-tenant:tenant-7`, none in the burst)", filters: { header: "x-tenant:tenant-7" }, target: INBOX_TARGETS.header, before: true },
    {
      key: "header-dead",
      label: "filter by header and state (`x-tenant:tenant-7`, `state=dead`)",
      filters: { header: "x-tenant:tenant-7", state: "dead" },
      target: INBOX_TARGETS.header,
      before: true,
    },
    { key: "header-rare", label: "filter by header matching nothing (`x-tenant:tenant-none`)", filters: { header: "x-tenant:tenant-none" }, target: INBOX_TARGETS.header, before: false },
  ];
  for (const f of lists) {
    const q = letterListQuery.parse(f.filters);
    const r = await sample(async () => (await listLetters(q)).items.length);
    const old = f.before ? await sample(headerWalkBefore(store, f.filters), 10) : null;
    kinds.push({ key: f.key, label: f.label, latency: r.s, items: r.items, targetP95: f.target, before: old?.s ?? null });
    log(`  inbox (${store.kind}, burst): ${f.label}: p50 ${r.s.p50.toFixed(1)} ms, p95 ${r.s.p95.toFixed(1)} ms${old ? ` (before: p50 ${old.s.p50.toFixed(1)} ms)` : ""}`);
  }
  for (const [key, label, filters] of [
    ["groups", "`listLetterGroups`, no filter", {}],
    ["groups-dead", "`listLetterGroups`, `state=dead`", { state: "dead" }],
  ] as const) {
    const g = await sample(async () => (await listLetterGroups(letterFilters.parse(filters))).groups.length, 20);
    kinds.push({ key, label, latency: g.s, items: g.items, targetP95: INBOX_TARGETS.groups, before: null });
    log(`  inbox (${store.kind}, burst): ${label}: p50 ${g.s.p50.toFixed(1)} ms, p95 ${g.s.p95.toFixed(1)} ms`);
  }
  return { letters, causeGroups: BURST_GROUPS, rows, insertMs, kinds, arrivals: await arrivalsRead(store) };
}

async function timeKinds(store: Store, m: number, insertMs: number, signal: AbortSignal, log: (line: string) => void): Promise<InboxFigures> {
  const p = store.prisma;
  const rows = await p.deadLetter.count();
  const from = `FROM "dead_letters" d JOIN "clusters" c ON c."id" = d."cluster_id"`;
  const order = `ORDER BY d."captured_at" DESC, d."id" DESC LIMIT 51`;
  const baselineSql = `SELECT ${LETTER_COLUMNS} ${from} ORDER BY d."captured_at" DESC, d."id" DESC LIMIT 50`;
  const g = Math.min(7, m);
  const fp = (await p.$queryRawUnsafe<Array<{ f: string }>>(`SELECT left(md5('fp' || $1::int), 16) AS f`, g % 1000))[0]!.f;
  const mid = `msg-${Math.max(1, Math.floor(m / 2))}`;
  const sample = sampler(m, signal);
  // The statements as the inbox ran them before: the header filter as `->>` (no index could answer
  // it), the text search with no index scan allowed (there was none), the groups by counting every letter.
  const before: Record<string, () => Promise<number>> = {
    header: async () =>
      (await p.$queryRawUnsafe<unknown[]>(`SELECT ${LETTER_COLUMNS} ${from} WHERE d."headers" ->> $1 = $2 ${order}`, "x-tenant", "tenant-7")).length,
    q: async () =>
      (await without(store, ["enable_bitmapscan"], `SELECT ${LETTER_COLUMNS} ${from} WHERE d."payload_text" ILIKE $1 ${order}`, ["%cust-4242%"])).length,
    groups: async () => {
      const groups = await p.$queryRawUnsafe<Array<{ fingerprint: string }>>(
        `SELECT d."fingerprint", min(c."name"), min(d."kind"::text), min(d."source"), min(d."reason"), min(d."error_text"), min(d."payload_shape"), count(*),
           min(d."captured_at"), max(d."captured_at") ${from} GROUP BY d."fingerprint" ORDER BY count(*) DESC, max(d."captured_at") DESC LIMIT 500`,
      );
      await p.$queryRawUnsafe(
        `SELECT d."fingerprint", date_trunc('hour', d."captured_at") AS hour, count(*) AS n ${from}
         WHERE d."fingerprint" = ANY($1::text[]) AND d."captured_at" >= now() - interval '23 hours' GROUP BY 1, 2`,
        groups.map((r) => r.fingerprint),
      );
      return groups.length;
    },
  };
  const filtered: Array<{ key: string; label: string; filters: Record<string, string> }> = [
    { key: "first", label: "first page (no filter)", filters: {} },
    { key: "source", label: "filter by source (`source=inbox/orders-7`, 1 in 40)", filters: { source: "inbox/orders-7" } },
    { key: "fingerprint", label: "filter by fingerprint (1 group in 1,000)", filters: { fingerprint: fp } },
    { key: "messageId", label: `filter by messageId (one letter, \`${mid}\`)`, filters: { messageId: mid } },
    { key: "header", label: "filter by header (`x-tenant:tenant-7`, 1 in 50)", filters: { header: "x-tenant:tenant-7" } },
    { key: "header-rare", label: "filter by header matching nothing (`x-tenant:tenant-none`)", filters: { header: "x-tenant:tenant-none" } },
    { key: "q", label: "text search `q=cust-4242` (ILIKE, ~1 in 10,000)", filters: { q: "cust-4242" } },
  ];
  const targetOf = (key: string): number | null => (key === "header-rare" ? INBOX_TARGETS.header : ((INBOX_TARGETS as Record<string, number>)[key] ?? null));
  const kinds: InboxKind[] = [];
  const baseline = await sample(async () => (await p.$queryRawUnsafe<unknown[]>(baselineSql)).length, 30);
  for (const f of filtered) {
    const q = letterListQuery.parse(f.filters);
    const r = await sample(async () => (await listLetters(q)).items.length);
    const old = before[f.key] ? await sample(before[f.key]!, 10) : null;
    kinds.push({ key: f.key, label: f.label, latency: r.s, items: r.items, targetP95: targetOf(f.key), before: old?.s ?? null });
    log(
      `  inbox (${store.kind}): ${f.label}: p50 ${r.s.p50.toFixed(1)} ms, p95 ${r.s.p95.toFixed(1)} ms${old ? ` (before: p50 ${old.s.p50.toFixed(1)} ms)` : ""}`,
    );
  }
  // Deep pages: walk 50 pages by cursor, each page timed.
  {
    const pages: number[] = [];
    let cursor: string | null = null;
    let items = 0;
    for (let i = 0; i < 50; i++) {
      const q = letterListQuery.parse(cursor ? { cursor } : {});
      const t0 = performance.now();
      const page = await listLetters(q);
      if (i > 0) pages.push(performance.now() - t0);
      items += page.items.length;
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    kinds.splice(1, 0, { key: "deep", label: "pages 2–50 by cursor (one walk of 50 pages)", latency: summarize(pages), items, targetP95: null, before: null });
  }
  const groups = await sample(async () => (await listLetterGroups(letterFilters.parse({}))).groups.length, 20);
  const groupsBefore = await sample(before.groups!, 5);
  kinds.push({
    key: "groups",
    label: "`listLetterGroups`, no filter (every letter, up to 500 groups)",
    latency: groups.s,
    items: groups.items,
    targetP95: INBOX_TARGETS.groups,
    before: groupsBefore.s,
  });
  const dead = await sample(async () => (await listLetterGroups(letterFilters.parse({ state: "dead" }))).groups.length, 20);
  kinds.push({
    key: "groups-dead",
    label: "`listLetterGroups`, `state=dead`",
    latency: dead.s,
    items: dead.items,
    targetP95: INBOX_TARGETS.groups,
    before: null,
  });
  log(
    `  inbox (${store.kind}): groups: p50 ${groups.s.p50.toFixed(1)} ms, p95 ${groups.s.p95.toFixed(1)} ms (before: p50 ${groupsBefore.s.p50.toFixed(1)} ms)`,
  );
  const rssMiB = store.kind === "embedded" ? process.memoryUsage().rss / 2 ** 20 : null;
  return { store: store.kind, rows, insertMs, kinds, baseline: baseline.s, groups: groups.items, arrivals: await arrivalsRead(store), burst: null, rssMiB };
}

/**
 * The same letters and kinds on the embedded store (PGlite in this process, in a temp folder):
 * the store a newcomer runs with no database server.
 */
export async function measureEmbeddedInbox(
  m: number,
  signal: AbortSignal,
  cleanup: Cleanup,
  log: (line: string) => void,
  migrationsDir: string,
  burst = burstSize(m),
): Promise<InboxFigures> {
  const dir = await mkdtemp(path.join(tmpdir(), "redrive-bench-embedded-"));
  cleanup.add("the embedded store's folder", () => rm(dir, { recursive: true, force: true }));
  const store = await openStore({ kind: "embedded", dataDir: dir }, migrationsDir);
  cleanup.add("the embedded store", () => store.close());
  const ids = await Promise.all(
    (
      [
        ["bench-embedded-rabbitmq", "rabbitmq"],
        ["bench-embedded-nats", "nats"],
      ] as const
    ).map(async ([name, kind]) => (await store.prisma.cluster.create({ data: { name, kind } })).id),
  );
  log(`inbox: ${m.toLocaleString("en-US")} letters into the embedded store (PGlite)`);
  return measureInbox(store, [ids[0]!, ids[1]!], m, signal, log, burst);
}
