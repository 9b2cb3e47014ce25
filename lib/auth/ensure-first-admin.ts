import "server-only";
import { auditTarget } from "@/lib/audit/actions";
import { recordEvent } from "@/lib/audit/record-event";
import { getConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import { log } from "@/lib/log";
import { hashPassword } from "./password";
import { hashSecret, newSecret } from "./secrets";

/**
 * On a store with no account: creates the first admin from REDRIVE_ADMIN_PASSWORD (and
 * REDRIVE_ADMIN_USER, default "admin"), or else prints a one-time setup link to the log. Safe
 * with several replicas starting at once (the name is unique; a second create is a no-op).
 */
export async function ensureFirstAdmin(): Promise<{ created?: string; setupUrl?: string } | null> {
  const { prisma } = await getStore();
  if ((await prisma.user.count()) > 0) return null;
  const config = getConfig();
  if (!config.auth.localAccounts) {
    // No password account can be used, so none is made: the first admin is whoever signs in
    // through single sign-on in a group auth.groupRoles maps to admin (lib/config.ts insists on one).
    const groups = Object.entries(config.auth.sso.groupRoles).filter(([, r]) => r === "admin").map(([g]) => g);
    log.info("no accounts yet; local accounts are off, so the first admin is the first single sign-on in an admin group", { adminGroups: groups, defaultRole: config.auth.sso.defaultRole });
    return null;
  }
  const { firstAdmin, setupLinkMs, localUrl, publicOrigin } = config.auth;
  if (firstAdmin.password) {
    const passwordHash = await hashPassword(firstAdmin.password);
    const inserted = await prisma.$executeRaw`
      INSERT INTO users (name, role, password_hash, created_by)
      SELECT ${firstAdmin.name}, 'admin', ${passwordHash}, 'REDRIVE_ADMIN_PASSWORD'
      WHERE NOT EXISTS (SELECT 1 FROM users)
      ON CONFLICT DO NOTHING`;
    if (inserted > 0) {
      await recordEvent(prisma, { actor: "redrive", action: "user.create", target: auditTarget.user(firstAdmin.name), request: { name: firstAdmin.name, role: "admin" }, result: "ok", detail: { from: "REDRIVE_ADMIN_PASSWORD" } });
      log.info("first admin created from REDRIVE_ADMIN_PASSWORD", { user: firstAdmin.name });
      return { created: firstAdmin.name };
    }
    return null;
  }
  const token = newSecret("rdsetup");
  await prisma.setupToken.create({ data: { tokenHash: hashSecret(token), expiresAt: new Date(Date.now() + setupLinkMs) } });
  // With publicUrl set, only pages on it may post the setup form (check-origin.ts): link there.
  // Both carry the base path the app is served under (publicUrl and localUrl end with it).
  const setupUrl = `${publicOrigin ? config.publicUrl : localUrl}/setup?token=${token}`;
  const hours = Math.round((setupLinkMs / 3_600_000) * 10) / 10;
  // Printed plainly (not through the redacting logger): this line is how the first admin gets in.
  console.log(`\nRedrive has no accounts yet. Open this link to create the first admin (valid ${hours} h, once):\n  ${setupUrl}\n(or restart with REDRIVE_ADMIN_PASSWORD set)\n`);
  return { setupUrl };
}
