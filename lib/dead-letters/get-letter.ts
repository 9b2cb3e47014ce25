import "server-only";
import { getStore } from "@/lib/db/get-store";
import { AppError } from "@/lib/errors";
import { isUtf8 } from "./encode";
import { getLetterLineage } from "./get-letter-lineage";
import { LETTER_COLUMNS, toLetterSummary, type LetterRow } from "./list-letters";
import type { Death, LetterDetail } from "./types";

/** The detail page shows this much of a payload inline; the rest only through the download. */
export const PAYLOAD_INLINE_LIMIT = 256 * 1024;

const NOT_FOUND = "This dead letter is not in Redrive's inbox. It may have been removed after its retention period.";

export async function getLetter(id: string): Promise<LetterDetail> {
  const { prisma } = await getStore();
  const rows = await prisma.$queryRawUnsafe<Array<LetterRow & { properties: unknown; headers: unknown; deaths: unknown; head: Uint8Array | null }>>(
    `SELECT ${LETTER_COLUMNS}, d."properties", d."headers", d."deaths", substring(d."payload" from 1 for ${PAYLOAD_INLINE_LIMIT}) AS head
     FROM "dead_letters" d JOIN "clusters" c ON c."id" = d."cluster_id" WHERE d."id" = $1::uuid`,
    id,
  );
  const r = rows[0];
  if (!r) throw new AppError("NOT_FOUND", NOT_FOUND);
  const head = r.head ? new Uint8Array(r.head) : null;
  const truncated = head !== null && Number(r.payload_size) > head.length;
  // Judge UTF-8 on what is shown; a cut in the middle of a character at the end is not an error.
  const utf8 = head === null ? false : isUtf8(truncated ? head.subarray(0, Math.max(0, head.length - 3)) : head);
  return {
    ...toLetterSummary(r),
    properties: (r.properties ?? {}) as Record<string, unknown>,
    headers: (r.headers ?? {}) as Record<string, unknown>,
    deaths: (Array.isArray(r.deaths) ? r.deaths : []) as Death[],
    payloadBase64: head === null ? null : Buffer.from(head).toString("base64"),
    payloadTruncated: truncated,
    payloadIsUtf8: utf8,
    ...(await getLetterLineage(prisma, id)),
  };
}

/** The exact stored bytes, for download. */
export async function getLetterPayload(id: string): Promise<{ bytes: Uint8Array; contentType: string | null; missing: string | null }> {
  const { prisma } = await getStore();
  const row = await prisma.deadLetter.findUnique({ where: { id }, select: { payload: true, contentType: true, payloadMissing: true } });
  if (!row) throw new AppError("NOT_FOUND", NOT_FOUND);
  if (!row.payload) throw new AppError("NOT_FOUND", row.payloadMissing ?? "This dead letter has no stored payload.");
  return { bytes: new Uint8Array(row.payload), contentType: row.contentType, missing: row.payloadMissing };
}
