import "server-only";
import { auditTarget } from "@/lib/audit/actions";
import { withAudit } from "@/lib/audit/record-audit";
import type { Principal } from "@/lib/auth/permissions";
import { getStore } from "@/lib/db/get-store";
import { AppError } from "@/lib/errors";

/** Stops expecting a consumer: from the next sweep it is judged like any other, and a placeholder row for it is retired. */
export async function deleteExpectedConsumer(id: string, actor: Principal, address: string | null): Promise<{ id: string }> {
  const { prisma } = await getStore();
  const row = await prisma.expectedConsumer.findUnique({ where: { id } });
  if (!row) throw new AppError("NOT_FOUND", "This expected consumer is not known (any more): it may have been removed already. Reload the page.");
  await withAudit(prisma, { actor: actor.name, address, action: "expected-consumer.delete", target: auditTarget.expectedConsumer(row.cluster, row.key), request: { id } }, () =>
    prisma.expectedConsumer.delete({ where: { id } }),
  );
  return { id };
}
