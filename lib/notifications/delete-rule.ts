import "server-only";
import { auditTarget } from "@/lib/audit/actions";
import { withAudit } from "@/lib/audit/record-audit";
import type { Principal } from "@/lib/auth/permissions";
import { getStore } from "@/lib/db/get-store";
import { loadEditable } from "./load-editable";

/** Deletes a UI rule; its incidents stay in the history, and open ones close at the next evaluation. */
export async function deleteRule(id: string, actor: Principal, address: string | null): Promise<{ id: string }> {
  const { prisma } = await getStore();
  const row = await loadEditable(prisma, "rule", id);
  await withAudit(prisma, { actor: actor.name, address, action: "notification.rule.delete", target: auditTarget.notificationRule(row.name), request: { id } }, () =>
    prisma.notificationRule.delete({ where: { id } }),
  );
  return { id };
}
