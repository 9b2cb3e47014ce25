import "server-only";
import { getConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import { AppError } from "@/lib/errors";
import type { LetterListQuery } from "./letter-list-query";
import { whereClause } from "./letter-filters";
import type { LetterPage, LetterSummary, LetterState } from "./types";
import type { BrokerKind } from "@/lib/brokers/contracts";
import { holderSql } from "./letter-hold";

export { letterListQuery, type LetterListQuery } from "./letter-list-query";

export type LetterRow = {
  id: string;
  cluster: string;
  kind: BrokerKind;
  source: string;
  destination: string;
  collected_from: string;
  reason: string;
  error_text: string | null;
  fingerprint: string;
  state: string;
  message_id: string | null;
  content_type: string | null;
  payload_size: number;
  payload_missing: string | null;
  death_count: number;
  first_death_at: Date | null;
  last_death_at: Date | null;
  captured_at: Date;
  preview: string | null;
  preview_hex: string | null;
  redrive_count: number;
  job_id: string | null;
  bounced_from_job_id: string | null;
};

export const LETTER_COLUMNS = `d."id"::text AS id, c."name" AS cluster, d."kind"::text AS kind, d."source", d."destination", d."collected_from", d."reason",
  d."error_text", d."fingerprint", d."state", d."message_id", d."content_type", d."payload_size", d."payload_missing", d."death_count",
  d."first_death_at", d."last_death_at", d."captured_at", left(d."payload_text", 200) AS preview, encode(substring(d."payload" from 1 for 16), 'hex') AS preview_hex, d."redrive_count", ${holderSql("d")} AS job_id,
  d."bounced_from_job_id"::text AS bounced_from_job_id`;

export function toLetterSummary(r: LetterRow): LetterSummary {
  const poisonAfter = getConfig().redrive.poisonAfter;
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return {
    id: r.id,
    cluster: r.cluster,
    kind: r.kind,
    source: r.source,
    destination: r.destination,
    collectedFrom: r.collected_from,
    reason: r.reason,
    errorText: r.error_text,
    fingerprint: r.fingerprint,
    state: r.state as LetterState,
    messageId: r.message_id,
    contentType: r.content_type,
    payloadSize: Number(r.payload_size),
    payloadMissing: r.payload_missing,
    deathCount: Number(r.death_count),
    firstDeathAt: iso(r.first_death_at),
    lastDeathAt: iso(r.last_death_at),
    capturedAt: new Date(r.captured_at).toISOString(),
    preview: r.preview ?? "",
    previewHex: r.preview_hex ?? "",
    redriveCount: Number(r.redrive_count),
    poison: Number(r.redrive_count) >= poisonAfter,
    jobId: r.job_id,
    bouncedFromJobId: r.bounced_from_job_id,
  };
}

function decodeCursor(cursor: string): { at: string; id: string } {
  try {
    const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
    if (at && id && !Number.isNaN(Date.parse(at)) && /^[0-9a-f-]{36}$/.test(id)) return { at, id };
  } catch {
    // fall through
  }
  throw new AppError("INVALID_INPUT", "The page cursor is not one Redrive gave out; start again from the first page.");
}

type Key = { at: string; id: string };

const keyBelow = (k: Key, next: (v: unknown) => string) => `(ls."captured_at", ls."letter_id") < (${next(k.at)}::timestamptz, ${next(k.id)}::uuid)`;

/** The header filter's windows of time below its walk (ms back from the walk's last row), then the rest. */
const HEADER_WINDOWS = [1, 16, 256, 4096, 65_536].map((minutes) => minutes * 60_000);

/**
 * Search rows a header filter reads newest first before it asks the headers index instead: at the
 * default page of 50, a value on 1 letter in 100 still fills its page from the walk.
 */
export function headerWalkRows(limit: number): number {
  return Math.max(2000, 100 * (limit + 1));
}

/**
 * A header filter's page: first a walk of at most `walk` search rows newest first (a common value
 * fills its page there, reading no letter it does not show); when the walk ended short of a page and
 * there are older rows, the rest comes from the headers index, window of time by window of time below
 * the walk's last row. A burst of letters without the value costs one bounded walk and a few windows,
 * not a walk through the burst.
 * Same rows, order and cursor as one walk would give.
 */
async function pageByHeader(q: LetterListQuery, cursor: Key | null, n: number, walk: number): Promise<LetterRow[]> {
  const { prisma } = await getStore();
  const order = `ORDER BY ls."captured_at" DESC, ls."letter_id" DESC`;
  const from = `JOIN "dead_letters" d ON d."id" = ls."letter_id" JOIN "clusters" c ON c."id" = d."cluster_id"`;
  // The walk's last row: the index-only scan of the search table's time index answers it.
  const span = whereClause({ state: [], from: q.from, to: q.to }, 1, "d", true);
  const edgeParams = [...span.params];
  const bind = (list: unknown[]) => (v: unknown) => (list.push(v), `$${list.length}`);
  const edgeSql = `SELECT ls."captured_at", ls."letter_id"::text AS id FROM "dead_letter_search" ls
    WHERE ${span.sql}${cursor ? ` AND ${keyBelow(cursor, bind(edgeParams))}` : ""} ${order} OFFSET ${walk - 1} LIMIT 1`;
  const edgeRow = (await prisma.$queryRawUnsafe<Array<{ captured_at: Date; id: string }>>(edgeSql, ...edgeParams))[0];
  const edge: Key | null = edgeRow ? { at: new Date(edgeRow.captured_at).toISOString(), id: edgeRow.id } : null;

  const where = whereClause(q, 1, "d", true);
  const params = [...where.params];
  const p = bind(params);
  let sql = `SELECT ${LETTER_COLUMNS} FROM "dead_letter_search" ls ${from} WHERE ${where.sql}`;
  if (cursor) sql += ` AND ${keyBelow(cursor, p)}`;
  if (edge) sql += ` AND (ls."captured_at", ls."letter_id") >= (${p(edge.at)}::timestamptz, ${p(edge.id)}::uuid)`;
  sql += ` ${order} LIMIT ${p(n)}`;
  const rows = await prisma.$queryRawUnsafe<LetterRow[]>(sql, ...params);
  if (rows.length >= n || !edge) return rows;

  // Older than the walk: the letters carrying the header, from the headers index ANDed with the
  // time index (BRIN), one window of time at a time going back, each window's few letters sorted;
  // the windows grow sixteenfold, so a value older than any burst is a handful of windows away, and a
  // value carrying thousands of letters never has them all read. Materialized, so the planner cannot
  // turn a window back into a walk.
  const out = [...rows];
  const hit = whereClause({ state: [], header: q.header, from: q.from, to: q.to }, 1, "d", true);
  let newer: string | null = null;
  for (let i = 0; i <= HEADER_WINDOWS.length && out.length < n; i++) {
    const span = HEADER_WINDOWS[i];
    // The last window reaches back to `from` (or the first letter): no window past it.
    const last = span === undefined || (q.from !== undefined && Date.parse(edge.at) - span <= Date.parse(q.from));
    const older = last ? null : new Date(Date.parse(edge.at) - span).toISOString();
    const hitParams = [...hit.params];
    const h = bind(hitParams);
    const slice = [hit.sql, newer === null ? keyBelow(edge, h) : `ls."captured_at" < ${h(newer)}::timestamptz`];
    if (older !== null) slice.push(`ls."captured_at" >= ${h(older)}::timestamptz`);
    const rest = whereClause(q, hitParams.length + 1, "d", true);
    hitParams.push(...rest.params);
    const sliceSql = `WITH hits AS MATERIALIZED (
        SELECT ls."letter_id", ls."captured_at", ls."headers", ls."payload_text" FROM "dead_letter_search" ls WHERE ${slice.join(" AND ")}
      )
      SELECT ${LETTER_COLUMNS} FROM hits ls ${from} WHERE ${rest.sql} ${order} LIMIT ${h(n - out.length)}`;
    out.push(...(await prisma.$queryRawUnsafe<LetterRow[]>(sliceSql, ...hitParams)));
    if (last) break;
    newer = older;
  }
  return out;
}

/** Newest first, keyset-paged on (captured_at, id): as fast on page 1,000 as on page 1. */
export async function listLetters(q: LetterListQuery, opts: { headerWalk?: number } = {}): Promise<LetterPage> {
  const cursor = q.cursor ? decodeCursor(q.cursor) : null;
  let rows: LetterRow[];
  if (q.header) {
    // The search table holds each letter's arrival time and headers: see pageByHeader.
    rows = await pageByHeader(q, cursor, q.limit + 1, opts.headerWalk ?? headerWalkRows(q.limit));
  } else {
    const { prisma } = await getStore();
    const where = whereClause(q, 1, "d");
    let sql = `SELECT ${LETTER_COLUMNS} FROM "dead_letters" d JOIN "clusters" c ON c."id" = d."cluster_id" WHERE ${where.sql}`;
    const params = [...where.params];
    if (cursor) {
      params.push(cursor.at, cursor.id);
      sql += ` AND (d."captured_at", d."id") < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
    }
    params.push(q.limit + 1);
    sql += ` ORDER BY d."captured_at" DESC, d."id" DESC LIMIT $${params.length}`;
    rows = await prisma.$queryRawUnsafe<LetterRow[]>(sql, ...params);
  }
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > q.limit && last ? Buffer.from(`${new Date(last.captured_at).toISOString()}|${last.id}`).toString("base64url") : null;
  return { items: page.map(toLetterSummary), nextCursor };
}
