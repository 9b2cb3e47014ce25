import "server-only";
import { auditTarget } from "@/lib/audit/actions";
import { withAudit } from "@/lib/audit/record-audit";
import type { Principal } from "@/lib/auth/permissions";
import { getStore } from "@/lib/db/get-store";
import { loadEditable } from "./load-editable";

/** Deletes a UI channel; rules lose it, queued messages to it fail with "the channel was deleted". */
export async function deleteChannel(id: string, actor: Principal, address: string | null): Promise<{ id: string }> {
  const { prisma } = await getStore();
  const row = await loadEditable(prisma, "channel", id);
  await withAudit(prisma, { actor: actor.name, address, action: "notification.channel.delete", target: auditTarget.notificationChannel(row.name), request: { id } }, () =>
    prisma.notificationChannel.delete({ where: { id } }),
  );
  return { id };
}
