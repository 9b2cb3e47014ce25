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

/** Newest first, keyset-paged on (captured_at, id): as fast on page 1,000 as on page 1. */
export async function listLetters(q: LetterListQuery): Promise<LetterPage> {
  const { prisma } = await getStore();
  // A header filter walks the search table newest first (it holds each letter's arrival time and
  // headers), so a common value reads no letter it does not show and a rare one comes from the
  // headers index; every other filter walks dead_letters. Same order and cursor either way.
  const bySearch = Boolean(q.header);
  const where = whereClause(q, 1, "d", bySearch);
  const from = bySearch
    ? `"dead_letter_search" ls JOIN "dead_letters" d ON d."id" = ls."letter_id" JOIN "clusters" c ON c."id" = d."cluster_id"`
    : `"dead_letters" d JOIN "clusters" c ON c."id" = d."cluster_id"`;
  const [at, id] = bySearch ? [`ls."captured_at"`, `ls."letter_id"`] : [`d."captured_at"`, `d."id"`];
  let sql = `SELECT ${LETTER_COLUMNS} FROM ${from} WHERE ${where.sql}`;
  const params = [...where.params];
  if (q.cursor) {
    const cursor = decodeCursor(q.cursor);
    params.push(cursor.at, cursor.id);
    sql += ` AND (${at}, ${id}) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
  }
  params.push(q.limit + 1);
  sql += ` ORDER BY ${at} DESC, ${id} DESC LIMIT $${params.length}`;
  const rows = await prisma.$queryRawUnsafe<LetterRow[]>(sql, ...params);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > q.limit && last ? Buffer.from(`${new Date(last.captured_at).toISOString()}|${last.id}`).toString("base64url") : null;
  return { items: page.map(toLetterSummary), nextCursor };
}
