import "server-only";
import { getStore } from "@/lib/db/get-store";
import { whereClause, type LetterFilters } from "./letter-filters";
import type { LetterGroup } from "./types";
import type { BrokerKind } from "@/lib/brokers/contracts";

const MAX_GROUPS = 500;

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
  first_seen: Date;
  last_seen: Date;
};

/** Letters grouped by cause fingerprint, biggest first, with arrivals per hour over the last 24 h. */
export async function listLetterGroups(f: LetterFilters, now = new Date()): Promise<{ groups: LetterGroup[] }> {
  const { prisma } = await getStore();
  const where = whereClause(f);
  const rows = await prisma.$queryRawUnsafe<GroupRow[]>(
    `SELECT d."fingerprint", min(c."name") AS cluster, min(d."kind"::text) AS kind, min(d."source") AS source, min(d."reason") AS reason,
       min(d."error_text") AS error_text, min(d."payload_shape") AS payload_shape, count(*) AS count, count(d."bounced_from_job_id") AS bounced,
       min(d."captured_at") AS first_seen, max(d."captured_at") AS last_seen
     FROM "dead_letters" d JOIN "clusters" c ON c."id" = d."cluster_id"
     WHERE ${where.sql}
     GROUP BY d."fingerprint" ORDER BY count(*) DESC, max(d."captured_at") DESC LIMIT ${MAX_GROUPS}`,
    ...where.params,
  );
  if (rows.length === 0) return { groups: [] };
  const since = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 - 23 * 3_600_000);
  const hourly = await prisma.$queryRawUnsafe<Array<{ fingerprint: string; hour: Date; n: bigint | number }>>(
    `SELECT d."fingerprint", date_trunc('hour', d."captured_at") AS hour, count(*) AS n
     FROM "dead_letters" d JOIN "clusters" c ON c."id" = d."cluster_id"
     WHERE ${where.sql} AND d."fingerprint" = ANY($${where.params.length + 1}::text[]) AND d."captured_at" >= $${where.params.length + 2}::timestamptz
     GROUP BY 1, 2`,
    ...where.params,
    rows.map((r) => r.fingerprint),
    since.toISOString(),
  );
  const arrivals = new Map<string, number[]>();
  for (const h of hourly) {
    const slot = Math.round((new Date(h.hour).getTime() - since.getTime()) / 3_600_000);
    if (slot < 0 || slot > 23) continue;
    const list = arrivals.get(h.fingerprint) ?? new Array<number>(24).fill(0);
    list[slot] = Number(h.n);
    arrivals.set(h.fingerprint, list);
  }
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
