import "server-only";
import { createHash } from "node:crypto";
import type { BrokerKind } from "@/lib/brokers/types";
import type { PrismaClient } from "@/lib/db/generated/client";
import { errorTextOf, payloadText } from "./encode";
import { fingerprint, payloadShape } from "./fingerprint";
import type { Death } from "./types";

/** A dead letter as a collector builds it, before the store gives it an id. */
export type NewLetter = {
  clusterId: string;
  clusterName: string;
  kind: BrokerKind;
  dedupeKey: string;
  source: string;
  destination: string;
  collectedFrom: string;
  reason: string;
  messageId: string | null;
  contentType: string | null;
  payload: Uint8Array | null;
  payloadMissing: string | null;
  properties: Record<string, unknown>;
  headers: Record<string, unknown>;
  /** Headers as the broker typed them, for a faithful requeue (RabbitMQ); null where headers are plain text. */
  rawHeaders: Record<string, unknown> | null;
  /** How many times Redrive had requeued the message before this death (from its own header). */
  redriveCount: number;
  deaths: Death[];
  deathCount: number;
  firstDeathAt: Date | null;
  lastDeathAt: Date | null;
};

export function sha256(...parts: Array<string | Uint8Array>): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p).update("\u001f");
  return h.digest("hex");
}

/**
 * Stores letters, skipping any already stored under the same dedupe key, in one statement.
 * Returns how many were new. Callers acknowledge on the broker only after this resolves.
 */
export async function storeLetters(prisma: PrismaClient, letters: NewLetter[]): Promise<number> {
  if (letters.length === 0) return 0;
  const r = await prisma.deadLetter.createMany({
    skipDuplicates: true,
    data: letters.map((l) => {
      const errorText = errorTextOf(l.headers);
      const shape = payloadShape(l.payload, l.contentType);
      return {
        clusterId: l.clusterId,
        kind: l.kind,
        dedupeKey: l.dedupeKey,
        source: l.source,
        destination: l.destination,
        collectedFrom: l.collectedFrom,
        reason: l.reason,
        errorText,
        payloadShape: shape,
        fingerprint: fingerprint({ cluster: l.clusterName, source: l.source, reason: l.reason, errorText, shape }),
        messageId: l.messageId,
        contentType: l.contentType,
        payload: l.payload === null ? null : new Uint8Array(l.payload),
        payloadSize: l.payload?.length ?? 0,
        payloadMissing: l.payloadMissing,
        payloadText: l.payload === null ? null : payloadText(l.payload),
        properties: l.properties as object,
        headers: l.headers as object,
        rawHeaders: l.rawHeaders === null ? undefined : (l.rawHeaders as object),
        redriveCount: l.redriveCount,
        deaths: l.deaths as object,
        deathCount: l.deathCount,
        firstDeathAt: l.firstDeathAt,
        lastDeathAt: l.lastDeathAt,
      };
    }),
  });
  return r.count;
}
