import "server-only";
import { auditTarget } from "@/lib/audit/actions";
import { recordEvent } from "@/lib/audit/record-event";
import { getStore } from "@/lib/db/get-store";
import type { Authenticated } from "./authenticate";

/** Ends the caller's session (an API token has none: it is revoked by an admin instead). */
export async function signOut(principal: Authenticated, address: string | null): Promise<{ signedOut: boolean }> {
  if (!principal.sessionId) return { signedOut: false };
  const { prisma } = await getStore();
  await prisma.session.deleteMany({ where: { id: principal.sessionId } });
  await recordEvent(prisma, { actor: principal.name, address, action: "auth.sign-out", target: auditTarget.user(principal.name), request: {}, result: "ok" });
  return { signedOut: true };
}
