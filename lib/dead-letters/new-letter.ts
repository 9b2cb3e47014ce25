import "server-only";
import type { NewLetter } from "@/lib/brokers/dead-letter-source";
import type { PrismaClient } from "@/lib/db/generated/client";
import { errorTextOf, payloadText } from "./encode";
import { fingerprint, payloadShape } from "./fingerprint";

export { sha256, type NewLetter } from "@/lib/brokers/dead-letter-source";

/**
 * Stores letters, skipping any already stored under the same dedupe key, and any redelivered one
 * whose content key is already stored, in one statement. A first delivery is never skipped by its
 * content: two identical messages dying together are two letters.
 * Returns how many were new. Callers acknowledge on the broker only after this resolves.
 */
export async function storeLetters(prisma: PrismaClient, letters: NewLetter[]): Promise<number> {
  if (letters.length === 0) return 0;
  // One INSERT of column arrays: several times what Prisma's createMany sustains for these wide rows
  // (npm run bench, collection burst), and the same statement on PostgreSQL and the embedded store.
  const rows = letters.map((l) => {
    const errorText = errorTextOf(l.headers);
    const shape = payloadShape(l.payload, l.contentType);
    return { l, errorText, shape, fingerprint: fingerprint({ cluster: l.clusterName, source: l.source, reason: l.reason, errorText, shape }) };
  });
  const col = <T>(pick: (r: (typeof rows)[number]) => T): T[] => rows.map(pick);
  // PostgreSQL text and jsonb hold no NUL character: one in a name or a header would refuse the
  // whole batch. It is kept visible as the six characters \u0000, as header values already are.
  const text = (v: string | null) => (v === null ? null : v.replace(/\u0000/g, "\\u0000"));
  // Without a NUL anywhere (JSON writes one as \u0000) the replacer changes nothing: most letters skip it.
  const json = (v: unknown) => {
    const plain = JSON.stringify(v);
    return typeof plain === "string" && plain.includes("\\u0000") ? JSON.stringify(v, (_key, value: unknown) => (typeof value === "string" ? text(value) : value)) : plain;
  };
  return prisma.$executeRawUnsafe(
    `INSERT INTO "dead_letters" ("id", "cluster_id", "kind", "dedupe_key", "source", "destination", "collected_from", "reason", "error_text", "payload_shape",
       "fingerprint", "message_id", "content_type", "payload", "payload_size", "payload_missing", "payload_text", "properties", "headers", "raw_headers",
       "redrive_count", "deaths", "death_count", "first_death_at", "last_death_at", "content_key",
       "bounced_from_letter_id", "bounced_from_job_id")
     SELECT gen_random_uuid(), u.cluster_id, u.kind::"BrokerKind", u.dedupe_key, u.source, u.destination, u.collected_from, u.reason, u.error_text, u.payload_shape,
       u.fingerprint, u.message_id, u.content_type, decode(u.payload, 'base64'), u.payload_size, u.payload_missing, u.payload_text, u.properties::jsonb, u.headers::jsonb, u.raw_headers::jsonb,
       u.redrive_count, u.deaths::jsonb, u.death_count, u.first_death_at, u.last_death_at, u.content_key,
       jl."letter_id", jl."job_id"
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
                 $13::text[], $14::int4[], $15::text[], $16::text[], $17::text[], $18::text[], $19::text[], $20::int4[], $21::text[], $22::int4[], $23::timestamptz[], $24::timestamptz[],
                 $25::text[], $26::bool[], $27::uuid[], $28::uuid[])
       AS u(cluster_id, kind, dedupe_key, source, destination, collected_from, reason, error_text, payload_shape, fingerprint, message_id, content_type,
            payload, payload_size, payload_missing, payload_text, properties, headers, raw_headers, redrive_count, deaths, death_count, first_death_at, last_death_at,
            content_key, redelivered, bounced_job, bounced_letter)
     -- Lineage only to a job of this store: another installation's job on the same broker is not ours to name.
     LEFT JOIN "redrive_job_letters" jl ON jl."job_id" = u.bounced_job AND jl."letter_id" = u.bounced_letter
     WHERE NOT (u.redelivered AND u.content_key IS NOT NULL
                AND EXISTS (SELECT 1 FROM "dead_letters" d WHERE d."cluster_id" = u.cluster_id AND d."content_key" = u.content_key))
     ON CONFLICT ("cluster_id", "dedupe_key") DO NOTHING`,
    col((r) => r.l.clusterId),
    col((r) => r.l.kind),
    col((r) => text(r.l.dedupeKey)),
    col((r) => text(r.l.source)),
    col((r) => text(r.l.destination)),
    col((r) => text(r.l.collectedFrom)),
    col((r) => text(r.l.reason)),
    col((r) => text(r.errorText)),
    col((r) => r.shape),
    col((r) => r.fingerprint),
    col((r) => text(r.l.messageId)),
    col((r) => text(r.l.contentType)),
    // As base64 text: a driver types an array of byte buffers by its first element, and a null there makes it send text.
    col((r) => (r.l.payload === null ? null : Buffer.from(r.l.payload.buffer, r.l.payload.byteOffset, r.l.payload.byteLength).toString("base64"))),
    col((r) => r.l.payload?.length ?? 0),
    col((r) => text(r.l.payloadMissing)),
    col((r) => (r.l.payload === null ? null : payloadText(r.l.payload))),
    col((r) => json(r.l.properties)),
    col((r) => json(r.l.headers)),
    col((r) => (r.l.rawHeaders === null ? null : json(r.l.rawHeaders))),
    col((r) => r.l.redriveCount),
    col((r) => json(r.l.deaths)),
    col((r) => r.l.deathCount),
    col((r) => r.l.firstDeathAt?.toISOString() ?? null),
    col((r) => r.l.lastDeathAt?.toISOString() ?? null),
    col((r) => text(r.l.contentKey ?? null)),
    col((r) => r.l.redelivered ?? false),
    col((r) => r.l.bouncedFrom?.jobId ?? null),
    col((r) => r.l.bouncedFrom?.letterId ?? null),
  );
}
