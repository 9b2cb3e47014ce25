import "server-only";
import { getStore } from "@/lib/db/get-store";
import type { PrismaClient } from "@/lib/db/generated/client";
import { whereClause, type LetterFilters } from "./letter-filters";
import type { LetterGroup } from "./types";
import type { BrokerKind } from "@/lib/brokers/contracts";

const MAX_GROUPS = 500;
/** Biggest first, then latest arrival; the fingerprint breaks ties so the order is the same every time. */
const GROUP_ORDER = `q."count" DESC, q."last_seen" DESC, q."fingerprint"`;

/**
 * The rows of `sql` (parameters from $1), sorted by `order` (of `q`), as one JSON array in one text
 * value: the embedded store's driver converts each value of each row on its own, a quarter of the
 * groups' time for 500 groups of 11 columns; JSON.parse reads one value at once. Counts arrive as
 * numbers, times as ISO 8601 text.
 */
async function asJsonRows<T>(prisma: PrismaClient, sql: string, order: string, params: unknown[]): Promise<T[]> {
  const rows = await prisma.$queryRawUnsafe<Array<{ rows: string | null }>>(
    `SELECT coalesce(json_agg(q ORDER BY ${order}), '[]')::text AS rows FROM (${sql}) q`,
    ...params,
  );
  return JSON.parse(rows[0]?.rows ?? "[]") as T[];
}

type GroupRow = {
  fingerprint: string;
  cluster: string;
  kind: BrokerKind;
  source: string;
  reason: string;
  error_text: string | null;
  payload_shape: string;
  count: bigint | number;
  bounced: bigint | number;
  /** JSON text (ISO 8601) from asJsonRows. */
  first_seen: string;
  last_seen: string;
};

/** Only the cluster filter reads the clusters table; without it the arrivals are an index-only scan. */
function clustersJoin(f: LetterFilters): string {
  return f.cluster ? ` JOIN "clusters" c ON c."id" = d."cluster_id"` : "";
}

/** Filters the group counts can answer: every column they name is part of a group count's key. */
function countable(f: LetterFilters): boolean {
  return !f.from && !f.to && !f.header && !f.messageId && !f.q && !f.bouncedFromJob;
}

/** The groups by counting the letters that match: any filter, but a scan of every one of them. */
function groupsByScan(prisma: PrismaClient, f: LetterFilters): Promise<GroupRow[]> {
  const where = whereClause(f);
  return asJsonRows<GroupRow>(
    prisma,
    `SELECT d."fingerprint", min(c."name") AS cluster, min(d."kind"::text) AS kind, min(d."source") AS source, min(d."reason") AS reason,
       min(d."error_text") AS error_text, min(d."payload_shape") AS payload_shape, count(*) AS count, count(d."bounced_from_job_id") AS bounced,
       min(d."captured_at") AS first_seen, max(d."captured_at") AS last_seen
     FROM "dead_letters" d JOIN "clusters" c ON c."id" = d."cluster_id"
     WHERE ${where.sql}
     GROUP BY d."fingerprint" ORDER BY count(*) DESC, max(d."captured_at") DESC, d."fingerprint" LIMIT ${MAX_GROUPS}`,
    GROUP_ORDER,
    where.params,
  );
}

/** Stale edges recomputed per call at most: the rest are read from the letters until a later call. */
const REPAIR_BATCH = 200;

/**
 * Recomputes first and last arrival of group counts whose edge letter left (edges_stale), in their
 * own transaction. Rows a writer holds are skipped (SKIP LOCKED), never waited for; each row is
 * locked before its letters are read (a fresh snapshot in the second statement), so a writer that
 * changes the group later finds the recomputed row and applies its change to it.
 */
async function repairEdges(prisma: PrismaClient): Promise<void> {
  const any = await prisma.$queryRawUnsafe<Array<{ stale: boolean }>>(
    `SELECT EXISTS (SELECT 1 FROM "dead_letter_group_counts" WHERE "edges_stale") AS stale`,
  );
  if (!any[0]?.stale) return;
  await prisma.$transaction(async (tx) => {
    // Whatever the database's default: the second statement must see what committed before the locks.
    await tx.$executeRawUnsafe(`SET TRANSACTION ISOLATION LEVEL READ COMMITTED`);
    const keys = await tx.$queryRawUnsafe<Array<{ group_key: string }>>(
      `SELECT "group_key" FROM "dead_letter_group_counts" WHERE "edges_stale" ORDER BY "group_key" LIMIT ${REPAIR_BATCH} FOR UPDATE SKIP LOCKED`,
    );
    if (keys.length === 0) return;
    // The fingerprint walks the (fingerprint, captured_at) index from the end asked for; the rest of
    // the key is compared as one row, which no index answers, so the planner cannot AND in the
    // source index's bitmap (every letter of the source, 9× slower at 200,000 letters).
    const ofGroup = `d."fingerprint" = g."fingerprint"
      AND (d."cluster_id", d."kind", d."source", d."reason", d."error_text", d."payload_shape", d."state", d."collected_from")
        IS NOT DISTINCT FROM (g."cluster_id", g."kind", g."source", g."reason", g."error_text", g."payload_shape", g."state", g."collected_from")`;
    await tx.$executeRawUnsafe(
      `UPDATE "dead_letter_group_counts" g SET
         "first_seen" = (SELECT d."captured_at" FROM "dead_letters" d WHERE ${ofGroup} ORDER BY d."captured_at" ASC LIMIT 1),
         "last_seen" = (SELECT d."captured_at" FROM "dead_letters" d WHERE ${ofGroup} ORDER BY d."captured_at" DESC LIMIT 1),
         "edges_stale" = false
       WHERE g."group_key" = ANY($1::text[]) AND g."edges_stale"`,
      keys.map((k) => k.group_key),
    );
  });
}

/**
 * The same groups from the maintained counts (dead_letter_group_counts, kept by triggers on
 * dead_letters): a few rows per group instead of every letter, with each group's bounces and first
 * and last arrival. Only a group with a row whose edges are stale (left for repairEdges) reads its
 * arrivals from the ends of the (fingerprint, captured_at) index, two probes, under the same filters.
 */
async function groupsByCounts(prisma: PrismaClient, f: LetterFilters): Promise<GroupRow[]> {
  await repairEdges(prisma);
  const counts = whereClause(f, 1, "s");
  const letters = whereClause(f, counts.params.length + 1, "d");
  const edge = (dir: "ASC" | "DESC") =>
    `(SELECT d."captured_at" FROM "dead_letters" d${clustersJoin(f)}
      WHERE d."fingerprint" = g."fingerprint" AND ${letters.sql} ORDER BY d."captured_at" ${dir} LIMIT 1)`;
  return asJsonRows<GroupRow>(
    prisma,
    `WITH g AS (
       SELECT s."fingerprint", min(c."name") AS cluster, min(s."kind"::text) AS kind, min(s."source") AS source, min(s."reason") AS reason,
         min(s."error_text") AS error_text, min(s."payload_shape") AS payload_shape, sum(s."letters")::bigint AS count,
         sum(s."bounced")::bigint AS bounced, min(s."first_seen") AS first_seen, max(s."last_seen") AS last_seen, bool_or(s."edges_stale") AS stale
       FROM "dead_letter_group_counts" s JOIN "clusters" c ON c."id" = s."cluster_id"
       WHERE s."letters" > 0 AND ${counts.sql}
       GROUP BY s."fingerprint"
     ), e AS (
       SELECT g."fingerprint", g.cluster, g.kind, g.source, g.reason, g.error_text, g.payload_shape, g.count, g.bounced,
         CASE WHEN g.stale THEN ${edge("ASC")} ELSE g.first_seen END AS first_seen,
         CASE WHEN g.stale THEN ${edge("DESC")} ELSE g.last_seen END AS last_seen
       FROM g
     )
     SELECT * FROM e ORDER BY e.count DESC, e.last_seen DESC, e."fingerprint" LIMIT ${MAX_GROUPS}`,
    GROUP_ORDER,
    [...counts.params, ...letters.params],
  );
}

const HOUR_MS = 3_600_000;

/**
 * Each group's arrivals per hour from `since` (24 hours), from the hourly counts kept beside the
 * group counts (dead_letter_group_hours, prisma/migrations/20261207100000_letter_group_hours), the
 * filters read from the group counts their keys belong to: a row per group count and hour instead of
 * a row per letter. Null when the store does not keep `since` (an app clock hours behind the
 * database's, or a `now` long past): then the letters are counted.
 */
async function arrivalsByHours(prisma: PrismaClient, f: LetterFilters, fingerprints: string[], since: Date): Promise<Map<string, number[]> | null> {
  const where = whereClause(f, 1, "s");
  const n = where.params.length;
  const rows = await prisma.$queryRawUnsafe<Array<{ rows: string | null }>>(
    `SELECT CASE WHEN $${n + 2}::timestamptz >= "dead_letter_group_hours_since"() THEN (
       SELECT coalesce(json_agg(json_build_array(b."fingerprint", b.slots, b.letters)), '[]')::text FROM (
         SELECT a."fingerprint", array_agg(a.slot) AS slots, array_agg(a.letters) AS letters FROM (
           SELECT s."fingerprint", floor(date_part('epoch', h."hour" - $${n + 2}::timestamptz) / 3600)::int AS slot, sum(h."letters")::bigint AS letters
           FROM "dead_letter_group_counts" s${f.cluster ? ` JOIN "clusters" c ON c."id" = s."cluster_id"` : ""}
           JOIN "dead_letter_group_hours" h ON h."group_key" = s."group_key"
             AND h."hour" >= $${n + 2}::timestamptz AND h."hour" < $${n + 2}::timestamptz + interval '24 hours'
           WHERE ${where.sql} AND s."fingerprint" = ANY($${n + 1}::text[])
           GROUP BY 1, 2
         ) a GROUP BY 1
       ) b
     ) END AS rows`,
    ...where.params,
    fingerprints,
    since.toISOString(),
  );
  const text = rows[0]?.rows;
  if (text == null) return null;
  const arrivals = new Map<string, number[]>();
  // One entry per group: its hours and their letters, side by side.
  for (const [fingerprint, slots, letters] of JSON.parse(text) as Array<[string, number[], number[]]>) {
    const list = new Array<number>(24).fill(0);
    slots.forEach((slot, i) => {
      if (slot >= 0 && slot <= 23) list[slot]! += letters[i]!;
    });
    arrivals.set(fingerprint, list);
  }
  return arrivals;
}

/** The same arrivals counted from the letters that match: any filter, a row per letter of the last 24 hours. */
async function arrivalsByScan(prisma: PrismaClient, f: LetterFilters, fingerprints: string[], since: Date): Promise<Map<string, number[]>> {
  const where = whereClause(f);
  // One row per group with the hour of each of its arrivals, counted here: the (fingerprint, captured_at)
  // index hands them over in fingerprint order, so one sorted aggregate does, where counting per group
  // and hour took a hash table of 12,000 entries (twice the time on the embedded store). date_part is
  // a float; extract's numeric costs more per letter, and the hours are whole numbers either way.
  const hourly = await prisma.$queryRawUnsafe<Array<{ fingerprint: string; slots: number[] }>>(
    `SELECT d."fingerprint", array_agg(floor(date_part('epoch', d."captured_at" - $${where.params.length + 2}::timestamptz) / 3600)::int) AS slots
     FROM "dead_letters" d${clustersJoin(f)}
     WHERE ${where.sql} AND d."fingerprint" = ANY($${where.params.length + 1}::text[]) AND d."captured_at" >= $${where.params.length + 2}::timestamptz
     GROUP BY 1`,
    ...where.params,
    fingerprints,
    since.toISOString(),
  );
  const arrivals = new Map<string, number[]>();
  for (const h of hourly) {
    const list = new Array<number>(24).fill(0);
    for (const slot of h.slots) if (slot >= 0 && slot <= 23) list[slot]! += 1;
    arrivals.set(h.fingerprint, list);
  }
  return arrivals;
}

/** Letters grouped by cause fingerprint, biggest first, with arrivals per hour over the last 24 h. */
export async function listLetterGroups(f: LetterFilters, now = new Date()): Promise<{ groups: LetterGroup[] }> {
  const { prisma } = await getStore();
  const byCounts = countable(f);
  const rows = byCounts ? await groupsByCounts(prisma, f) : await groupsByScan(prisma, f);
  if (rows.length === 0) return { groups: [] };
  const since = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - 23 * HOUR_MS);
  const fingerprints = rows.map((r) => r.fingerprint);
  const arrivals = (byCounts ? await arrivalsByHours(prisma, f, fingerprints, since) : null) ?? (await arrivalsByScan(prisma, f, fingerprints, since));
  return {
    groups: rows.map((r) => ({
      fingerprint: r.fingerprint,
      cluster: r.cluster,
      kind: r.kind,
      source: r.source,
      reason: r.reason,
      errorText: r.error_text,
      payloadShape: r.payload_shape,
      count: Number(r.count),
      bounced: Number(r.bounced),
      firstSeen: new Date(r.first_seen).toISOString(),
      lastSeen: new Date(r.last_seen).toISOString(),
      arrivals: arrivals.get(r.fingerprint) ?? new Array<number>(24).fill(0),
    })),
  };
}
